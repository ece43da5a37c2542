import os
import subprocess
import subprocess as sp
from os import system
from subprocess import check_output, run

import ldap
import sqlalchemy
from lxml import etree
from sqlalchemy import text


def commands(user, path):
    # ruleid: python-subprocess-shell-true
    subprocess.call("ls " + path, shell=True)
    # ruleid: python-subprocess-shell-true
    sp.run(
        f"grep {user} /etc/passwd",
        check=True,
        shell=True,
    )
    # ruleid: python-subprocess-shell-true
    out = check_output(path, shell=True)
    # ok: python-subprocess-shell-true
    subprocess.run(["ls", path])
    # ok: python-subprocess-shell-true
    subprocess.run(["ls", path], shell=False)
    # ok: python-subprocess-shell-true
    subprocess.getoutput("date")
    # ok: python-subprocess-shell-true
    widget.run(path, shell=True)
    # The words subprocess.call(x, shell=True) in a comment are not code.
    note = "subprocess.call(x, shell=True)"
    # ruleid: python-os-system-dynamic
    os.system("rm -rf " + path)
    # ruleid: python-os-system-dynamic
    os.popen(user, "r")
    # ruleid: python-os-system-dynamic
    system("mv %s /tmp" % path)
    # ruleid: python-os-system-dynamic
    status = subprocess.getoutput(f"id {user}")
    # ok: python-os-system-dynamic
    os.system("uptime")
    # ok: python-os-system-dynamic
    platform.system()
    return note, run, out, status


def evaluate(expr, request, name):
    # ruleid: python-eval-variable
    value = eval(expr)
    # ruleid: python-eval-variable
    fun = eval(func_src)
    # ruleid: python-eval-dynamic
    exec(request.body, {})
    # ruleid: python-eval-dynamic
    handler = eval("handle_%s" % name)
    # ruleid: python-eval-dynamic
    exec(f"import {name}")
    # ruleid: python-eval-dynamic
    total = eval(input("expression: "))
    # ok: python-eval-dynamic, python-eval-variable
    eval("1 + 2")
    # ok: python-eval-dynamic, python-eval-variable
    literal = my.eval(expr)
    return value, literal, handler, total, fun


def queries(cursor, conn, name, uid, table):
    # ruleid: python-sql-string-built
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: python-sql-string-built
    cursor.execute("SELECT * FROM users WHERE id = {}".format(uid))
    # ruleid: python-sql-string-built
    conn.execute(f"DELETE FROM users WHERE id = {uid}")
    # ruleid: python-sql-string-built
    cursor.execute("SELECT * FROM t WHERE a = " + name)
    # ruleid: python-sql-string-built
    cursor.executemany(f"INSERT INTO {table} VALUES (?)", [(1,), (2,)])
    # ruleid: python-sql-string-built
    self.execute("""
        DROP TABLE %s""" % table)
    # ok: python-sql-string-built
    cursor.execute("SELECT * FROM users WHERE id = %s", (uid,))
    # ok: python-sql-string-built
    cursor.execute("SELECT * FROM t " + "WHERE a = 1")
    # ok: python-sql-string-built
    logger.execute("x" + name)
    # ok: python-sql-string-built
    runner.execute("step %d" % uid)
    # ok: python-sql-string-built
    cursor.execute(f"SELECT * FROM users WHERE id = ?", (uid,))


def query_in_variable(db, email, uid):
    sql = "SELECT id, name FROM users WHERE email = '" + email + "'"
    rows = db.fetch_all()
    # ruleid: python-sql-query-built-in-variable
    db.execute(sql)
    query = f"""
        UPDATE accounts SET active = 0 WHERE id = {uid}
    """
    if uid:
        # ruleid: python-sql-query-built-in-variable
        return db.execute(query)
    plain = f"SELECT id FROM users WHERE email = ?"
    # ok: python-sql-query-built-in-variable
    db.execute(plain, (email,))
    safe = "SELECT id FROM users WHERE email = ?"
    # ok: python-sql-query-built-in-variable
    db.execute(safe, (email,))
    label = "step %d" % uid
    # ok: python-sql-query-built-in-variable
    db.execute(label)
    return rows


def orm(session, User, name, order):
    # ruleid: python-sqlalchemy-text-built
    session.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))
    # ruleid: python-sqlalchemy-text-built
    stmt = sqlalchemy.text("SELECT * FROM users ORDER BY " + order)
    # ruleid: python-sqlalchemy-text-built
    people = User.objects.raw("SELECT * FROM app_user WHERE name = '%s'" % name)
    # ok: python-sqlalchemy-text-built
    session.execute(text("SELECT * FROM users WHERE name = :n"), {"n": name})
    # ok: python-sqlalchemy-text-built
    User.objects.raw("SELECT * FROM app_user WHERE name = %s", [name])
    return stmt, people


def directory(conn, lconn, username, base):
    # ruleid: python-ldap-filter-built
    conn.search_s(base, ldap.SCOPE_SUBTREE, "(uid=%s)" % username)
    # ruleid: python-ldap-filter-built
    lconn.search(base, f"(&(objectClass=person)(mail={username}))", attributes=["cn"])
    # ok: python-ldap-filter-built
    conn.search_s(base, ldap.SCOPE_SUBTREE, "(objectClass=person)")
    # ok: python-ldap-filter-built
    conn.search_s(base, ldap.SCOPE_SUBTREE, "(uid=%s)" % ldap.filter.escape_filter_chars(username))


def lookup(tree, name):
    # ruleid: python-xpath-built
    users = tree.xpath("//user[@name='%s']" % name)
    # ruleid: python-xpath-built
    node = tree.find(f"./user[@id='{name}']")
    # ok: python-xpath-built
    safe = tree.xpath("//user[@name=$name]", name=name)
    # ok: python-xpath-built
    other = text.find("abc" + name)
    return users, node, safe, other, etree
