import socket
import urllib.request
import xml.etree.ElementTree as ET

import httpx
import requests
from flask import request
from lxml import etree


def proxy():
    # ruleid: python-ssrf-request-url
    r = requests.get(request.args["url"], timeout=5)
    target = request.form.get("webhook")
    # ruleid: python-ssrf-request-url
    urllib.request.urlopen(target)
    # ruleid: python-ssrf-request-url
    requests.post("https://api.example.com/" + target, timeout=5)
    # ok: python-ssrf-request-url
    requests.get("https://api.example.com/status", params={"q": request.args["q"]}, timeout=5)
    return r


def parse(doc):
    # ruleid: python-xml-external-entities
    parser = etree.XMLParser(resolve_entities=True)
    # ok: python-xml-external-entities
    safe = etree.XMLParser(resolve_entities=False, no_network=True)
    # Python 3.7.1+ with expat 2.4.1+ neither fetches external entities nor
    # expands entities without bound, so the stdlib parsers are not flagged.
    # ok: python-xml-external-entities
    root = ET.fromstring(doc)
    fixed = ET.fromstring("<a/>")
    return parser, safe, root, fixed


def serve(app):
    s = socket.socket()
    # ruleid: python-bind-all-interfaces
    s.bind(("0.0.0.0", 8080))
    # ok: python-bind-all-interfaces
    s.bind(("127.0.0.1", 8080))
    # ruleid: python-bind-all-interfaces
    app.run(host="0.0.0.0", port=80)


@app.get("/preview")
async def preview(url: str):
    async with httpx.AsyncClient() as client:
        # ruleid: python-route-param-url
        r = await client.get(url)
    return r.text


@app.route("/fetch/<path:target>")
def fetch(target):
    # ruleid: python-route-param-url
    return requests.get("http://" + target, timeout=5).text


@app.route("/status/<name>")
def status(name):
    # ok: python-route-param-url
    return requests.get("https://status.example.com/api", params={"name": name}, timeout=5).text
