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
