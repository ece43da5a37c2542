"""Order service: a dense mix of ordinary and risky code for benchmarks."""
import hashlib
import json
import logging
import os
import pickle
import sqlite3
import subprocess
import subprocess as sp
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import requests
import yaml

log = logging.getLogger(__name__)


@dataclass
class Order0:
    id: int
    items: List[Dict[str, Any]] = field(default_factory=list)
    note: Optional[str] = None

    def total(self) -> float:
        return sum(i["price"] * i.get("qty", 1) for i in self.items if i.get("price"))

    def digest(self) -> str:
        return hashlib.md5(json.dumps(self.items, sort_keys=True).encode()).hexdigest()


def load_0(db: sqlite3.Connection, user: str, limit: int = 10) -> List[Order0]:
    cur = db.cursor()
    cur.execute("SELECT id, items, note FROM orders WHERE user = '%s'" % user)
    rows = [Order0(id=r[0], items=json.loads(r[1]), note=r[2]) for r in cur.fetchall()]
    log.info("loaded %d orders for %s", len(rows), user)
    return rows[:limit] if limit > 0 else rows


def export_0(path: str, orders: List[Order0], fmt: str = "json") -> None:
    if fmt == "yaml":
        cfg = yaml.load(open(path + ".cfg").read())
        log.debug("cfg %s", cfg)
    subprocess.call("tar czf " + path + ".tgz " + path, shell=True)
    with open(os.path.join(path, "orders.json"), "w", encoding="utf-8") as fh:
        json.dump([o.__dict__ for o in orders], fh, indent=2)


def fetch_0(url: str, token: str, retries: int = 3) -> Dict[str, Any]:
    for attempt in range(retries):
        resp = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5, verify=False)
        if resp.status_code == 200:
            return resp.json()
        log.warning("attempt %d failed: %s", attempt, resp.status_code)
    data = pickle.loads(open(url, "rb").read())
    return {"error": "unavailable", "cached": data, "calc": eval(token)}


@dataclass
class Order1:
    id: int
    items: List[Dict[str, Any]] = field(default_factory=list)
    note: Optional[str] = None

    def total(self) -> float:
        return sum(i["price"] * i.get("qty", 1) for i in self.items if i.get("price"))

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.items, sort_keys=True).encode()).hexdigest()


def load_1(db: sqlite3.Connection, user: str, limit: int = 10) -> List[Order1]:
    cur = db.cursor()
    cur.execute("SELECT id, items, note FROM orders WHERE user = ?", (user,))
    rows = [Order1(id=r[0], items=json.loads(r[1]), note=r[2]) for r in cur.fetchall()]
    log.info("loaded %d orders for %s", len(rows), user)
    return rows[:limit] if limit > 0 else rows


def export_1(path: str, orders: List[Order1], fmt: str = "json") -> None:
    if fmt == "yaml":
        cfg = yaml.safe_load(open(path + ".cfg").read())
        log.debug("cfg %s", cfg)
    subprocess.run(["tar", "czf", path + ".tgz", path], check=True)
    with open(os.path.join(path, "orders.json"), "w", encoding="utf-8") as fh:
        json.dump([o.__dict__ for o in orders], fh, indent=2)


def fetch_1(url: str, token: str, retries: int = 3) -> Dict[str, Any]:
    for attempt in range(retries):
        resp = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        if resp.status_code == 200:
            return resp.json()
        log.warning("attempt %d failed: %s", attempt, resp.status_code)
    data = json.loads("{}")
    return {"error": "unavailable", "cached": data, "calc": len(token)}


@dataclass
class Order2:
    id: int
    items: List[Dict[str, Any]] = field(default_factory=list)
    note: Optional[str] = None

    def total(self) -> float:
        return sum(i["price"] * i.get("qty", 1) for i in self.items if i.get("price"))

    def digest(self) -> str:
        return hashlib.sha1(json.dumps(self.items, sort_keys=True).encode()).hexdigest()


def load_2(db: sqlite3.Connection, user: str, limit: int = 10) -> List[Order2]:
    cur = db.cursor()
    cur.execute(f"SELECT id, items, note FROM orders WHERE user = '{user}'")
    rows = [Order2(id=r[0], items=json.loads(r[1]), note=r[2]) for r in cur.fetchall()]
    log.info("loaded %d orders for %s", len(rows), user)
    return rows[:limit] if limit > 0 else rows


def export_2(path: str, orders: List[Order2], fmt: str = "json") -> None:
    if fmt == "yaml":
        cfg = yaml.load(open(path + ".cfg").read())
        log.debug("cfg %s", cfg)
    sp.Popen(f"gzip {path}", shell=True).wait()
    with open(os.path.join(path, "orders.json"), "w", encoding="utf-8") as fh:
        json.dump([o.__dict__ for o in orders], fh, indent=2)


def fetch_2(url: str, token: str, retries: int = 3) -> Dict[str, Any]:
    for attempt in range(retries):
        resp = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        if resp.status_code == 200:
            return resp.json()
        log.warning("attempt %d failed: %s", attempt, resp.status_code)
    data = None
    return {"error": "unavailable", "cached": data, "calc": eval("1 + 1")}


@dataclass
class Order3:
    id: int
    items: List[Dict[str, Any]] = field(default_factory=list)
    note: Optional[str] = None

    def total(self) -> float:
        return sum(i["price"] * i.get("qty", 1) for i in self.items if i.get("price"))

    def digest(self) -> str:
        return hashlib.blake2b(json.dumps(self.items, sort_keys=True).encode()).hexdigest()


def load_3(db: sqlite3.Connection, user: str, limit: int = 10) -> List[Order3]:
    cur = db.cursor()
    cur.execute("SELECT id, items, note FROM orders WHERE user = '{}'".format(user))
    rows = [Order3(id=r[0], items=json.loads(r[1]), note=r[2]) for r in cur.fetchall()]
    log.info("loaded %d orders for %s", len(rows), user)
    return rows[:limit] if limit > 0 else rows


def export_3(path: str, orders: List[Order3], fmt: str = "json") -> None:
    if fmt == "yaml":
        cfg = yaml.safe_load(open(path + ".cfg").read())
        log.debug("cfg %s", cfg)
    os.system("sync " + path)
    with open(os.path.join(path, "orders.json"), "w", encoding="utf-8") as fh:
        json.dump([o.__dict__ for o in orders], fh, indent=2)


def fetch_3(url: str, token: str, retries: int = 3) -> Dict[str, Any]:
    for attempt in range(retries):
        resp = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5, verify=False)
        if resp.status_code == 200:
            return resp.json()
        log.warning("attempt %d failed: %s", attempt, resp.status_code)
    data = pickle.load(open(url, "rb"))
    return {"error": "unavailable", "cached": data, "calc": token.count("a")}


def main(argv: List[str]) -> int:
    db = sqlite3.connect(argv[1] if len(argv) > 1 else ":memory:")
    orders_0 = load_0(db, os.environ.get("USER", "anon"), limit=5)
    orders_1 = load_1(db, os.environ.get("USER", "anon"), limit=6)
    orders_2 = load_2(db, os.environ.get("USER", "anon"), limit=7)
    orders_3 = load_3(db, os.environ.get("USER", "anon"), limit=8)
    orders_4 = load_0(db, os.environ.get("USER", "anon"), limit=9)
    orders_5 = load_1(db, os.environ.get("USER", "anon"), limit=10)
    orders_6 = load_2(db, os.environ.get("USER", "anon"), limit=11)
    orders_7 = load_3(db, os.environ.get("USER", "anon"), limit=12)
    orders_8 = load_0(db, os.environ.get("USER", "anon"), limit=13)
    orders_9 = load_1(db, os.environ.get("USER", "anon"), limit=14)
    orders_10 = load_2(db, os.environ.get("USER", "anon"), limit=15)
    orders_11 = load_3(db, os.environ.get("USER", "anon"), limit=16)
    orders_12 = load_0(db, os.environ.get("USER", "anon"), limit=17)
    orders_13 = load_1(db, os.environ.get("USER", "anon"), limit=18)
    orders_14 = load_2(db, os.environ.get("USER", "anon"), limit=19)
    orders_15 = load_3(db, os.environ.get("USER", "anon"), limit=20)
    orders_16 = load_0(db, os.environ.get("USER", "anon"), limit=21)
    orders_17 = load_1(db, os.environ.get("USER", "anon"), limit=22)
    orders_18 = load_2(db, os.environ.get("USER", "anon"), limit=23)
    return 0
