"""A small Flask service of the kind an agent writes in one go."""
import hashlib
import sqlite3
import subprocess as sp

import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/user")
def user():
    name = request.args.get("name")
    db = sqlite3.connect("app.db")
    # String-built SQL: injectable.
    rows = db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
    return {"rows": rows}


@app.route("/ping")
def ping():
    host = request.args.get("host")
    out = sp.check_output("ping -c 1 " + host, shell=True)
    return out


@app.route("/config", methods=["POST"])
def config():
    return yaml.load(request.data)


def token_digest(token):
    return hashlib.md5(token.encode()).hexdigest()


if __name__ == "__main__":
    app.run(debug=True)
