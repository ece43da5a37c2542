const serialize = require('node-serialize');
const yaml = require('js-yaml');
const libxmljs = require('libxmljs');
const _ = require('lodash');
const deepmerge = require('deepmerge');

app.post('/profile', (req, res) => {
  const raw = Buffer.from(req.cookies.profile, 'base64').toString();
  // ruleid: js-unsafe-deserialization
  const profile = serialize.unserialize(raw);
  // ok: js-unsafe-deserialization
  const p2 = JSON.parse(raw);
  res.json([profile, p2]);
});

// ruleid: js-yaml-unsafe-load
const cfg = yaml.load(text, { schema: yaml.DEFAULT_FULL_SCHEMA });
// ok: js-yaml-unsafe-load
const cfg2 = yaml.load(text);

// ruleid: js-xxe-external-entities
const doc = libxmljs.parseXml(req.body, { noent: true, nonet: true });
// ok: js-xxe-external-entities
const doc2 = libxmljs.parseXml(req.body, { noent: false, nonet: true });

function toB64(s) {
  // ruleid: js-buffer-constructor
  return new Buffer(s).toString('base64');
}
// ok: js-buffer-constructor
const b1 = Buffer.from(s, 'utf8');
// ok: js-buffer-constructor
const b2 = new Buffer('constant');
// ok: js-buffer-constructor
const b3 = new Buffer([0xe6, 0x88, 0x91]);
// ruleid: js-buffer-constructor
const b4 = new Buffer(16);

// ruleid: js-buffer-alloc-unsafe
const scratch = Buffer.allocUnsafe(len);
// ok: js-buffer-alloc-unsafe
const zeroed = Buffer.alloc(len);

// ruleid: js-buffer-noassert
const port = buf.readUInt16BE(offset + 2, true);
// ruleid: js-buffer-noassert
buf.writeUInt32LE(value, 4, true);
// ok: js-buffer-noassert
const port2 = buf.readUInt16BE(offset + 2);

app.put('/settings', (req, res) => {
  // ruleid: js-prototype-pollution-merge
  _.merge(settings, req.body);
  // ruleid: js-prototype-pollution-merge
  const merged = deepmerge(defaults, req.body.options);
  // ruleid: js-prototype-pollution-assignment
  store[req.params.ns][req.params.key] = req.body.value;
  // ok: js-prototype-pollution-merge
  _.merge(settings, { theme: String(req.body.theme) });
  res.sendStatus(204);
});
