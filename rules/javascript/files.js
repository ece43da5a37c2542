const fs = require('fs');
const path = require('path');
const os = require('os');
const crypto = require('crypto');

app.get('/download', (req, res) => {
  // ruleid: js-path-traversal-request
  res.sendFile(path.join(__dirname, 'uploads', req.query.file));
  // ruleid: js-path-traversal-request
  const data = fs.readFileSync('./files/' + req.params.name, 'utf8');
  // ruleid: js-path-traversal-request
  fs.unlink(`/srv/data/${req.body.path}`, done);
  // ok: js-path-traversal-request
  res.sendFile(path.join(__dirname, 'uploads', path.basename(req.query.file)));
  // ok: js-path-traversal-request, js-fs-dynamic-path
  const tpl = fs.readFileSync(path.join(__dirname, 'views', 'index.html'), 'utf8');
  res.send(data + tpl);
});

function load(filename, options) {
  // ruleid: js-fs-dynamic-path
  return fs.readFileSync(filename, options).toString();
}
// ok: js-fs-dynamic-path
const cfg = fs.readFileSync('config.json', 'utf8');

function extract(zip, outDir) {
  zip.getEntries().forEach((entry) => {
    // ruleid: js-zip-slip, js-fs-dynamic-path
    fs.writeFileSync(path.join(outDir, entry.entryName), entry.getData());
  });
}

// ruleid: js-insecure-temp-file
fs.writeFileSync('/tmp/report.csv', csv);
// ruleid: js-insecure-temp-file, js-path-traversal-request
const out = fs.createWriteStream(path.join(os.tmpdir(), 'upload-' + req.params.id));
// ok: js-insecure-temp-file
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-'));
// ok: js-insecure-temp-file
// ruleid: js-fs-dynamic-path
fs.writeFileSync(path.join(os.tmpdir(), `up-${crypto.randomUUID()}`), buf);

// ruleid: js-permissive-file-mode
fs.chmodSync('/var/app/data', 0o777);
// ruleid: js-permissive-file-mode, js-fs-dynamic-path
fs.writeFileSync(keyPath, key, { mode: 0o666 });
// ok: js-permissive-file-mode
// ruleid: js-fs-dynamic-path
fs.writeFileSync(keyPath, key, { mode: 0o600 });
// ok: js-permissive-file-mode
fs.chmodSync(script, 0o755);

app.get('/files/:name', (req, res) => {
  const filePath = path.join(__dirname, 'uploads', req.params.name);
  // ruleid: js-path-traversal-request
  res.sendFile(filePath);
});

app.get('/read', async (req, res) => {
  const { file } = req.query;
  // ruleid: js-path-traversal-request
  const text = await fs.promises.readFile(path.resolve('data', file), 'utf8');
  res.type('text').send(text);
});

app.get('/safe/:name', (req, res) => {
  const base = path.resolve(__dirname, 'uploads');
  const target = path.resolve(base, req.params.name);
  if (!target.startsWith(base + path.sep)) {
    return res.sendStatus(403);
  }
  // ok: js-path-traversal-request
  res.sendFile(target);
});

app.get('/safe2/:name', (req, res) => {
  const name = path.basename(req.params.name);
  // ok: js-path-traversal-request
  res.sendFile(path.join(__dirname, 'uploads', name));
});

app.get('/page/:name', (req, res) => {
  // ruleid: js-path-traversal-request
  res.render(req.params.name, { user: req.user });
  // ok: js-path-traversal-request
  res.render('page', { name: req.params.name });
});
