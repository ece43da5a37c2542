const child_process = require('child_process');
const { execSync } = require('child_process');
const cp = require('child_process');

function run(req, db, pool) {
  // ruleid: js-eval-dynamic
  const v = eval(req.query.expr);
  // ruleid: js-eval-dynamic
  const f = new Function('a', req.body.code);
  // ruleid: js-eval-dynamic
  setTimeout('tick(' + req.query.n + ')', 10);
  // ok: js-eval-dynamic
  setTimeout(() => tick(1), 10);
  // ok: js-eval-dynamic
  setTimeout(tick, 10);
  // ok: js-eval-dynamic
  eval('2 + 2');
  // eval(req.query.expr) in a comment is not code
  const s = "eval(req.query.expr)";

  // ruleid: js-child-process-exec
  child_process.exec('ls ' + req.query.dir, (err, out) => {});
  // ruleid: js-child-process-exec
  cp.exec(`git log ${req.query.ref}`);
  // ruleid: js-child-process-exec
  execSync(
    'tar xf ' + req.file.path
  );
  // ok: js-child-process-exec
  cp.exec('uptime');
  // ok: js-child-process-exec
  cp.execFile('ls', [req.query.dir]);

  // ruleid: js-sql-string-built
  db.query("SELECT * FROM users WHERE id = " + req.params.id);
  // ruleid: js-sql-string-built
  pool.query(`SELECT * FROM users WHERE name = '${req.query.name}'`);
  // ok: js-sql-string-built
  db.query("SELECT * FROM users WHERE id = ?", [req.params.id]);
  // ok: js-sql-string-built
  pool.query(`SELECT * FROM users`);
  // ok: js-sql-string-built
  cache.get("k" + req.params.id);
  return [v, f, s];
}
