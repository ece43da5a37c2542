import hashlib
import hmac
import ssl

import httpx
import jwt
import requests
from Crypto.Cipher import AES, ARC4, DES
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
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
    # ruleid: python-tls-verify-disabled
    t = httpx.post(url, json={}, verify=False)
    return a, b, c, d, e, f, g, r, s, t


def contexts(host):
    # ruleid: python-ssl-verification-disabled
    ctx = ssl._create_unverified_context()
    other = ssl.create_default_context()
    # ruleid: python-ssl-verification-disabled
    other.check_hostname = False
    # ruleid: python-ssl-verification-disabled
    other.verify_mode = ssl.CERT_NONE
    # ok: python-ssl-verification-disabled
    good = ssl.create_default_context(cafile="/etc/ssl/private-ca.pem")
    return ctx, other, good


def ciphers(key, iv):
    # ruleid: python-weak-cipher
    des = DES.new(key, DES.MODE_CBC, iv)
    # ruleid: python-weak-cipher
    ecb = AES.new(key, AES.MODE_ECB)
    # ruleid: python-weak-cipher
    rc4 = ARC4.new(key)
    # ruleid: python-weak-cipher
    c1 = Cipher(algorithms.TripleDES(key), modes.CBC(iv))
    # ruleid: python-weak-cipher
    c2 = Cipher(algorithms.AES(key), modes.ECB())
    # ok: python-weak-cipher
    gcm = AES.new(key, AES.MODE_GCM)
    # ok: python-weak-cipher
    c3 = Cipher(algorithms.AES(key), modes.GCM(iv))
    # ok: python-weak-cipher
    mac = hmac.new(key, b"msg", "sha256")
    return des, ecb, rc4, c1, c2, gcm, c3, mac


def keys():
    # ruleid: python-rsa-key-too-small
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    # ok: python-rsa-key-too-small
    strong = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return weak, strong


def tokens(token, key):
    # ruleid: python-jwt-verification-disabled
    a = jwt.decode(token, options={"verify_signature": False})
    # ruleid: python-jwt-verification-disabled
    b = jwt.decode(token, key, algorithms=["none", "HS256"])
    # ok: python-jwt-verification-disabled
    c = jwt.decode(token, key, algorithms=["HS256"])
    return a, b, c
