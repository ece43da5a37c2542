import os
import subprocess
import subprocess as sp
from subprocess import run


def commands(user, path):
    # ruleid: python-subprocess-shell-true
    subprocess.call("ls " + path, shell=True)
    # ruleid: python-subprocess-shell-true
    sp.run(
        f"grep {user} /etc/passwd",
        check=True,
        shell=True,
    )
    # ok: python-subprocess-shell-true
    subprocess.run(["ls", path])
    # ok: python-subprocess-shell-true
    subprocess.run(["ls", path], shell=False)
    # ok: python-subprocess-shell-true
    subprocess.getoutput("date")
    # The words subprocess.call(x, shell=True) in a comment are not code.
    note = "subprocess.call(x, shell=True)"
    # ruleid: python-os-system-dynamic
    os.system("rm -rf " + path)
    # ruleid: python-os-system-dynamic
    os.popen(user, "r")
    # ok: python-os-system-dynamic
    os.system("uptime")
    return note, run


def evaluate(expr, request):
    # ruleid: python-eval-dynamic
    value = eval(expr)
    # ruleid: python-eval-dynamic
    exec(request.body, {})
    # ok: python-eval-dynamic
    eval("1 + 2")
    # ok: python-eval-dynamic
    literal = my.eval(expr)
    return value, literal


def queries(cursor, conn, name, uid):
    # ruleid: python-sql-string-built
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: python-sql-string-built
    cursor.execute("SELECT * FROM users WHERE id = {}".format(uid))
    # ruleid: python-sql-string-built
    conn.execute(f"DELETE FROM users WHERE id = {uid}")
    # ruleid: python-sql-string-built
    cursor.execute("SELECT * FROM t WHERE a = " + name)
    # ok: python-sql-string-built
    cursor.execute("SELECT * FROM users WHERE id = %s", (uid,))
    # ok: python-sql-string-built
    cursor.execute("SELECT * FROM t " + "WHERE a = 1")
    # ok: python-sql-string-built
    logger.execute("x" + name)
