const child_process = require('child_process');
const { execSync, spawn } = require('child_process');
const cp = require('child_process');
const vm = require('vm');
const xpath = require('xpath');
const ejs = require('ejs');
const _ = require('lodash');

function run(req, db, pool) {
  // ruleid: js-eval-dynamic
  const v = eval(req.query.expr);
  // ruleid: js-eval-dynamic
  const f = new Function('a', req.body.code);
  // ruleid: js-eval-dynamic
  const g = Function('a', 'b', 'return a ' + req.body.op + ' b');
  // ruleid: js-eval-dynamic
  setTimeout('tick(' + req.query.n + ')', 10);
  // ruleid: js-eval-dynamic
  vm.runInNewContext(req.body.script, { x: 1 });
  // ruleid: js-eval-dynamic
  const script = new vm.Script(source);
  // ok: js-eval-dynamic
  setTimeout(() => tick(1), 10);
  // ok: js-eval-dynamic
  setTimeout(tick, 10);
  // ok: js-eval-dynamic
  eval('2 + 2');
  // ok: js-eval-dynamic
  vm.runInNewContext('a + b', { a: 1, b: 2 });
  // eval(req.query.expr) in a comment is not code
  const s = "eval(req.query.expr)";

  // ruleid: js-require-dynamic
  const plugin = require('./plugins/' + req.query.name);
  // ruleid: js-require-dynamic
  const mod = require(modName);
  // ok: js-require-dynamic
  const path = require('path');

  // ruleid: js-child-process-exec
  child_process.exec('ls ' + req.query.dir, (err, out) => {});
  // ruleid: js-child-process-exec
  cp.exec(`git log ${req.query.ref}`);
  // ruleid: js-child-process-exec
  execSync(
    'tar xf ' + req.file.path
  );
  // ruleid: js-child-process-exec
  return cp.exec(command, { cwd: dir });
}

function run2(req, res) {
  // ok: js-child-process-exec
  cp.exec('uptime');
  // ok: js-child-process-exec
  cp.execFile('ls', [req.query.dir]);

  // ruleid: js-child-process-shell-option
  spawn(`convert ${req.query.file} out.png`, { shell: true });
  // ruleid: js-child-process-shell-option
  cp.execFile(cmd, args, { shell: '/bin/bash' });
  // ok: js-child-process-shell-option
  spawn('ls', ['-l', req.query.dir], { shell: false });
  // ok: js-child-process-shell-option
  spawn('npm', ['install'], { shell: true });
  // ok: js-child-process-shell-option
  spawn(cmd, args);
}

async function sql(req, db, pool, knex, conn) {
  // ruleid: js-sql-string-built
  db.query("SELECT * FROM users WHERE id = " + req.params.id);
  // ruleid: js-sql-string-built
  pool.query(`SELECT * FROM users WHERE name = '${req.query.name}'`);
  // ruleid: js-sql-string-built
  return knex.raw(`DELETE FROM t WHERE id = ${id}`);
}

async function sqlBuilt(req, conn) {
  const sql = `SELECT * FROM orders WHERE user = '${req.user.name}' AND status = '${req.query.status}'`;
  // ruleid: js-sql-string-built
  const [rows] = await conn.execute(sql);
  let q = "SELECT * FROM items WHERE 1=1";
  // ruleid: js-sql-fragment-appended
  q += " AND category = '" + req.query.cat + "'";
  if (req.query.max) {
    // ruleid: js-sql-fragment-appended
    q += ` AND price <= ${req.query.max}`;
  }
  const items = await conn.query(q);
  let safe = 'SELECT * FROM items WHERE 1=1';
  const params = [];
  if (req.query.cat) {
    // ok: js-sql-fragment-appended
    safe += ' AND category = ?';
    params.push(req.query.cat);
  }
  let label = 'Items: ';
  // ok: js-sql-fragment-appended
  label += req.query.cat + ' only';
  const byId = "SELECT * FROM t WHERE id = " + req.params.id;
  // ruleid: js-sql-string-built
  return conn.query(byId);
}

function sqlOk(req, db, pool, cache) {
  // ok: js-sql-string-built
  db.query("SELECT * FROM users WHERE id = ?", [req.params.id]);
  // ok: js-sql-string-built
  pool.query(`SELECT * FROM users`);
  // ok: js-sql-string-built
  cache.get("k" + req.params.id);
  // ok: js-sql-string-built
  apiClient.get('/users/' + req.params.id);
  // ok: js-sql-string-built
  redisClient.get(`session:${req.params.id}`);
  // ok: js-sql-string-built
  ctx.get('X-' + req.params.header);
  // ruleid: js-sql-string-built
  trx.raw('UPDATE accounts SET balance = balance - ' + req.body.amount + ' WHERE id = ?', [id]);
  const fixed = "SELECT * FROM users WHERE id = $1";
  // ok: js-sql-string-built
  pool.query(fixed, [req.params.id]);
  const label = `user ${req.params.id}`;
  // ok: js-sql-string-built
  db.get(label);
}

function nosql(req, Users) {
  // ruleid: js-nosql-where-injection
  Users.find({ $where: "this.name == '" + req.query.name + "'" });
  // ruleid: js-nosql-where-injection
  Users.find({ $where: `this.age > ${req.query.age}` });
  // ok: js-nosql-where-injection
  Users.find({ $where: "this.a > this.b" });
  // ruleid: js-nosql-request-object
  Users.findOne({ username: req.body.username, password: req.body.password });
  // ok: js-nosql-request-object
  Users.findOne({ username: String(req.body.username) });
}

function regex(req, words) {
  // ruleid: js-regexp-dynamic
  const re = new RegExp('^' + req.query.prefix);
  // ruleid: js-regexp-dynamic
  const re2 = RegExp(`\\b${word}\\b`, 'i');
  // ok: js-regexp-dynamic
  const re3 = new RegExp('^[a-z]+$', 'i');
  // ok: js-regexp-dynamic
  const re4 = new RegExp(/ab+c/, 'g');
  // ok: js-regexp-dynamic
  const re5 = new RegExp(_.escapeRegExp(req.query.q), 'i');
}

function ldap(client, req) {
  // ruleid: js-ldap-filter-built
  client.search('ou=people,dc=example,dc=com', { filter: '(uid=' + req.body.user + ')', scope: 'sub' }, cb);
  // ruleid: js-ldap-filter-built
  client.search(base, { scope: 'sub', filter: `(&(objectClass=person)(mail=${email}))` }, cb);
  // ok: js-ldap-filter-built
  client.search(base, { filter: '(objectClass=person)' }, cb);
  // ruleid: js-ldap-filter-built
  const opts = {
    url: 'ldap://localhost',
    searchFilter: '(uid=' + username + ')',
  };
}

function xp(doc, req) {
  // ruleid: js-xpath-built
  const nodes = xpath.select("//user[name='" + req.query.name + "']", doc);
  // ruleid: js-xpath-built
  const r = doc.evaluate(`//user[@id='${id}']`, doc, null, 0, null);
  // ok: js-xpath-built
  const all = xpath.select('//user', doc);
  const query = `//student[username="${req.body.user}" and password="${req.body.pass}"]`;
  // ruleid: js-xpath-built
  const found = xpath.select(query, doc);
  const fixedQuery = '//student[@active="true"]';
  // ok: js-xpath-built
  const active = xpath.select(fixedQuery, doc);
}

function tpl(req, res) {
  // ruleid: js-template-injection
  res.send(ejs.render(req.body.template, { user: req.user }));
  // ruleid: js-template-injection
  const t = _.template('Hello ' + req.query.name);
  // ok: js-template-injection
  res.send(ejs.render(fs.readFileSync('views/a.ejs', 'utf8'), { name: req.query.name }));
}

const util = require('util');
const execAsync = util.promisify(child_process.exec);

async function gitLog(ref) {
  // ruleid: js-child-process-exec
  const { stdout } = await execAsync(`git log --oneline ${ref}`);
  // ok: js-child-process-exec
  const { stdout: v } = await execAsync('git --version');
  return stdout + v;
}

function shells(req) {
  // ruleid: js-shell-c-dynamic
  spawn('sh', ['-c', `ping -c 1 ${req.query.host}`]);
  // ruleid: js-shell-c-dynamic
  cp.execFile('/bin/bash', ['-lc', 'x', '-c', cmd]);
  // ok: js-shell-c-dynamic
  spawn('sh', ['-c', 'echo hello']);
  // ok: js-shell-c-dynamic
  spawn('ping', ['-c', '1', req.query.host]);
}

async function raw(knex, sequelize, req) {
  // ruleid: js-sql-raw-fragment
  const rows = await knex('users').whereRaw(`name = '${req.query.name}'`);
  // ruleid: js-sql-raw-fragment
  const order = sequelize.literal('price ' + req.query.dir);
  // ok: js-sql-raw-fragment
  const rows2 = await knex('users').whereRaw('name = ?', [req.query.name]);
  return [rows, order, rows2];
}

function validators(input, email) {
  // ruleid: js-regex-nested-quantifier
  const wordsRe = /^(\w+\s?)*$/;
  // ruleid: js-regex-nested-quantifier
  const ok = /^([a-z0-9]+)+@example\.com$/.test(email);
  // ok: js-regex-nested-quantifier
  const simple = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/i.test(email);
  // ok: js-regex-nested-quantifier
  const groups = input.match(/(\d{3})-(\d{4})/);
  return [wordsRe.test(input), ok, simple, groups];
}
