import hashlib
import requests
from hashlib import md5


def digest(data, url):
    # ruleid: python-weak-hash
    a = hashlib.md5(data).hexdigest()
    # ruleid: python-weak-hash
    b = hashlib.sha1(data)
    # ruleid: python-weak-hash
    c = hashlib.new("md5", data)
    # ruleid: python-weak-hash
    d = md5(data)
    # ok: python-weak-hash
    e = hashlib.sha256(data)
    # ok: python-weak-hash
    f = hashlib.md5(data, usedforsecurity=False)
    # ok: python-weak-hash
    g = hashlib.new("sha256", data)
    # ruleid: python-tls-verify-disabled
    r = requests.get(url, timeout=5, verify=False)
    # ok: python-tls-verify-disabled
    s = requests.get(url, timeout=5)
    return a, b, c, d, e, f, g, r, s
