import hashlib
import os
import tarfile
import tempfile
from pathlib import Path

from fastapi.responses import FileResponse
from flask import request, send_file, send_from_directory
from werkzeug.utils import secure_filename


def download():
    # ruleid: python-path-traversal-request
    return send_file(os.path.join("/srv/files", request.args["name"]))


def read_report():
    name = request.args.get("file")
    # ruleid: python-path-traversal-request
    with open("/srv/reports/" + name) as f:
        data = f.read()
    # ruleid: python-path-traversal-request
    joined = os.path.join("/srv/reports", name)
    # ok: python-path-traversal-request
    safe = os.path.join("/srv/files", secure_filename(request.args["name"]))
    # ok: python-path-traversal-request
    other = send_from_directory("/srv/files", request.args["name"])
    return data, safe, other, joined


def unpack(archive, dest):
    with tarfile.open(archive) as tar:
        # ruleid: python-tarfile-extract-unfiltered
        tar.extractall(dest)
    t = tarfile.open(archive, "r:gz")
    # ok: python-tarfile-extract-unfiltered
    t.extractall(dest, filter="data")


def temp(data):
    # ruleid: python-tempfile-mktemp
    name = tempfile.mktemp(suffix=".txt")
    # ok: python-tempfile-mktemp
    fd, other = tempfile.mkstemp()
    # ruleid: python-hardcoded-tmp-path
    with open("/tmp/cache.json", "w") as f:
        f.write(data)
    # ok: python-hardcoded-tmp-path
    with open("/tmp/cache.json") as f:
        f.read()
    return name, fd, other


def perms(path):
    # ruleid: python-chmod-world-writable
    os.chmod(path, 0o777)
    # ruleid: python-chmod-world-writable
    Path(path).chmod(0o666)
    # ok: python-chmod-world-writable
    os.chmod(path, 0o755)
    # ok: python-chmod-world-writable
    os.chmod(path, 0o600)


def store(user, password):
    # ruleid: python-password-fast-hash
    user.password_hash = hashlib.sha256(password.encode()).hexdigest()
    # ruleid: python-password-fast-hash
    digest = hashlib.md5(user.password).hexdigest()
    # ok: python-password-fast-hash
    checksum = hashlib.sha256(user.avatar).hexdigest()
    return digest, checksum


def upload(file, upload_dir):
    # ruleid: python-upload-filename-path
    file.save(os.path.join(upload_dir, file.filename))
    # ruleid: python-upload-filename-path
    target = Path(upload_dir) / file.filename
    # ok: python-upload-filename-path
    file.save(os.path.join(upload_dir, secure_filename(file.filename)))
    # ok: python-upload-filename-path
    source = open(self.code.filename)
    return target, source


@router.get("/files/{name}")
async def read_file(name: str, user=Depends(current_user)):
    # ruleid: python-route-param-path
    return FileResponse(os.path.join("/srv/files", name))


@app.route("/docs/<page>")
def docs(page: str):
    # ruleid: python-route-param-path
    with open("/srv/docs/" + page) as f:
        return f.read()


@app.route("/raw/<name>")
def raw(name):
    # ruleid: python-route-param-path
    return send_file(os.path.join("/srv/raw", name))


@app.route("/safe/<name>")
def safe_docs(name: str):
    # ok: python-route-param-path
    return send_from_directory("/srv/docs", name)


def helper(name: str):
    # ok: python-route-param-path
    return open(name)
