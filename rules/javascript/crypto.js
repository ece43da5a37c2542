const crypto = require('crypto');
const https = require('https');

// ruleid: js-weak-hash
const a = crypto.createHash('md5').update(x).digest('hex');
// ruleid: js-weak-hash
const b = crypto.createHash("SHA1");
// ok: js-weak-hash
const c = crypto.createHash('sha256');

// ruleid: js-tls-verification-disabled
const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
// ruleid: js-tls-verification-disabled
https.request({
  host: 'example.internal',
  rejectUnauthorized: false,
}, onResponse);
// ok: js-tls-verification-disabled
const safe = new https.Agent({ keepAlive: true, rejectUnauthorized: true });
// ruleid: js-tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
// ruleid: js-tls-verification-disabled
tls.connect({ host: h, port: 443, checkServerIdentity: () => undefined });

// ruleid: js-tls-old-protocol
const opts = { secureProtocol: 'TLSv1_method' };
// ruleid: js-tls-old-protocol
https.createServer({ key, cert, minVersion: 'TLSv1' }, app);
// ok: js-tls-old-protocol
https.createServer({ key, cert, minVersion: 'TLSv1.2' }, app);

function makeToken() {
  // ruleid: js-insecure-random-secret, js-math-random
  const token = Math.random().toString(36).slice(2);
  // ruleid: js-insecure-random-secret, js-math-random
  user.resetToken = Math.floor(Math.random() * 1e9).toString(16);
  return token;
}

function generatePassword(len) {
  let out = '';
  for (let i = 0; i < len; i++) {
    // ruleid: js-insecure-random-secret, js-math-random
    out += chars[Math.floor(Math.random() * chars.length)];
  }
  return out;
}

// ruleid: js-math-random
const delay = Math.random() * 100;
// ruleid: js-math-random
if (Math.random() > 0.5) { flip(); }
// ok: js-math-random, js-insecure-random-secret
const id = crypto.randomUUID();

// ruleid: js-pseudo-random-bytes
const salt = crypto.pseudoRandomBytes(16);
// ok: js-pseudo-random-bytes
const salt2 = crypto.randomBytes(16);

// ruleid: js-weak-cipher
const c1 = crypto.createCipheriv('des-ede3-cbc', key, iv);
// ruleid: js-weak-cipher
const c2 = crypto.createCipheriv('aes-128-ecb', key, null);
// ok: js-weak-cipher
const c3 = crypto.createCipheriv('aes-256-gcm', key, iv);

// ruleid: js-cipher-without-iv
const c4 = crypto.createCipher('aes-256-cbc', password);

// ruleid: js-static-iv
const c5 = crypto.createCipheriv('aes-256-cbc', key, Buffer.from('0123456789abcdef'));
// ruleid: js-static-iv
const c6 = crypto.createCipheriv('aes-256-cbc', key, Buffer.alloc(16, 0));
// ok: js-static-iv
const c7 = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));

function encryptFixed(key, data) {
  const iv = Buffer.alloc(16, 0);
  // ruleid: js-static-iv
  const cipher = crypto.createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

function encryptRandom(key, data) {
  const iv = crypto.randomBytes(12);
  // ok: js-static-iv
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  return [iv, cipher.update(data), cipher.final()];
}

// ruleid: js-weak-rsa-key
const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
// ok: js-weak-rsa-key
const kp2 = crypto.generateKeyPairSync('rsa', { modulusLength: 4096 });
// ruleid: js-weak-rsa-key
const nk = new NodeRSA({ b: 1024 });
// ok: js-weak-rsa-key
const nk2 = new NodeRSA({ b: 3072 });

// ruleid: js-pbkdf2-low-iterations
const dk = crypto.pbkdf2Sync(password, salt, 1000, 32, 'sha256');
// ok: js-pbkdf2-low-iterations
const dk2 = crypto.pbkdf2Sync(password, salt, 600000, 32, 'sha256');

// ruleid: js-password-fast-hash
const stored = crypto.createHash('sha256').update(req.body.password).digest('hex');
// ok: js-password-fast-hash
const etag = crypto.createHash('sha256').update(body).digest('hex');

function check(req, user, expectedSignature) {
  // ruleid: js-timing-unsafe-compare
  if (req.headers['x-api-key'] === process.env.API_TOKEN) { ok(); }
  // ruleid: js-timing-unsafe-compare
  if (signature !== expectedSignature) { fail(); }
  // ok: js-timing-unsafe-compare
  if (token === null) { fail(); }
  // ok: js-timing-unsafe-compare
  if (typeof token === 'string') { ok(); }
  // ok: js-timing-unsafe-compare
  if (crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expectedSignature))) { ok(); }
}
