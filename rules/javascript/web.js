const express = require('express');
const cors = require('cors');
const session = require('express-session');
const cookieParser = require('cookie-parser');
const jwt = require('jsonwebtoken');
const axios = require('axios');
const errorhandler = require('errorhandler');

const app = express();

function Profile({ bio, html }) {
  // ruleid: js-react-dangerously-set-inner-html
  const raw = <div dangerouslySetInnerHTML={{ __html: bio }} />;
  // ok: js-react-dangerously-set-inner-html
  const clean = <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />;
  // ok: js-react-dangerously-set-inner-html
  const text = <p>{bio}</p>;
  return (
    <div>
      {raw}
      {clean}
      {text}
    </div>
  );
}

// ruleid: js-react-dangerously-set-inner-html
const props = { className: 'x', dangerouslySetInnerHTML: { __html: comment.body } };

function render(el, data) {
  // ruleid: js-dom-html-sink
  el.innerHTML = '<b>' + data.name + '</b>';
  // ruleid: js-dom-html-sink
  el.insertAdjacentHTML('beforeend', `<li>${data.item}</li>`);
  // ruleid: js-dom-html-sink
  document.write(location.hash.slice(1));
  // ok: js-dom-html-sink
  el.innerHTML = '';
  // ok: js-dom-html-sink
  el.innerHTML = DOMPurify.sanitize(data.html);
  // ok: js-dom-html-sink
  el.textContent = data.name;
}

app.get('/hello', (req, res) => {
  // ruleid: js-express-reflected-xss
  res.send('<h1>Hello ' + req.query.name + '</h1>');
});

app.get('/search', (req, res) => {
  // ruleid: js-express-reflected-xss
  res.status(200).send(`<p>No results for ${req.query.q}</p>`);
  // ok: js-express-reflected-xss
  res.json({ q: req.query.q });
  // ok: js-express-reflected-xss
  res.send('<p>' + escapeHtml(req.query.q) + '</p>');
});

app.get('/login/done', (req, res) => {
  // ruleid: js-open-redirect
  res.redirect(req.query.next);
  // ruleid: js-open-redirect
  res.redirect(302, req.body.returnTo || '/');
  // ok: js-open-redirect
  res.redirect('/home');
});

function clientRedirect() {
  const u = new URL(window.location.href);
  // ruleid: js-open-redirect
  window.location.href = u.searchParams.get('redirect');
}

app.use((req, res, next) => {
  // ruleid: js-cors-wildcard-origin
  res.setHeader('Access-Control-Allow-Origin', '*');
  // ruleid: js-cors-reflect-origin-credentials
  res.header('Access-Control-Allow-Origin', req.headers.origin);
  // ok: js-cors-wildcard-origin
  res.setHeader('Access-Control-Allow-Origin', 'https://app.example.com');
  next();
});
// ruleid: js-cors-wildcard-origin
app.use(cors({ origin: '*' }));
// ruleid: js-cors-reflect-origin-credentials
app.use(cors({ origin: true, credentials: true }));
// ok: js-cors-wildcard-origin, js-cors-reflect-origin-credentials
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));

app.post('/login', (req, res) => {
  // ruleid: js-cookie-insecure-flag
  res.cookie('sid', sid, { httpOnly: false, sameSite: 'lax' });
  // ruleid: js-cookie-insecure-flag
  res.cookie('sid', sid, { httpOnly: true, secure: false });
  // ok: js-cookie-insecure-flag
  res.cookie('sid', sid, { httpOnly: true, secure: true });
});

// ruleid: js-session-hardcoded-secret
app.use(session({
  secret: 'keyboard cat',
  resave: false,
  // ruleid: js-cookie-insecure-flag
  cookie: { secure: false },
}));
// ok: js-session-hardcoded-secret
app.use(session({ secret: process.env.SESSION_SECRET, cookie: { secure: true } }));
// ruleid: js-session-hardcoded-secret
app.use(session({ secret: process.env.SESSION_SECRET || 'fallback', cookie: { secure: true } }));
// ruleid: js-session-hardcoded-secret
app.use(cookieParser('s3cr3t-value'));

function issue(user) {
  // ruleid: js-jwt-hardcoded-secret
  return jwt.sign({ sub: user.id }, 'supersecret', { expiresIn: '1h' });
}
// ok: js-jwt-hardcoded-secret
const t2 = jwt.sign({ sub: 1 }, process.env.JWT_SECRET);

const JWT_SECRET = process.env.JWT_SECRET || 'dev-secret';
function issue2(user) {
  // ruleid: js-jwt-hardcoded-secret
  return jwt.sign({ sub: user.id }, JWT_SECRET, { expiresIn: '1h' });
}
function check2(token) {
  // ruleid: js-jwt-hardcoded-secret
  return jwt.verify(token, process.env.JWT_SECRET || 'changeme');
}

function auth(req) {
  const token = req.headers.authorization.split(' ')[1];
  // ruleid: js-jwt-verification-off
  const claims = jwt.decode(token);
  return claims.sub;
}
// ruleid: js-jwt-verification-off
jwt.verify(token, key, { algorithms: ['HS256', 'none'] });
// ruleid: js-jwt-verification-off
jwt.verify(token, key, { ignoreExpiration: true });
function auth2(token, key) {
  // ok: js-jwt-verification-off
  const claims = jwt.verify(token, key, { algorithms: ['RS256'] });
  // ok: js-jwt-verification-off
  const header = jwt.decode(token, { complete: true });
  return [claims, header];
}

app.use((err, req, res, next) => {
  // ruleid: js-error-details-to-client
  res.status(500).send(err.stack);
  // ruleid: js-error-details-to-client
  res.status(500).json({ message: err.message, stack: err.stack });
  // ok: js-error-details-to-client
  res.status(500).json({ message: 'internal error', id: req.id });
});

// ruleid: js-debug-mode-enabled
app.use(errorhandler());
// ruleid: js-debug-mode-enabled
app.set('env', 'development');
// ok: js-debug-mode-enabled
app.set('view engine', 'pug');
if (process.env.NODE_ENV === 'development') {
  // ok: js-debug-mode-enabled
  app.use(errorhandler());
}

// ruleid: js-postmessage-wildcard-origin
window.parent.postMessage({ type: 'token', token }, '*');
// ok: js-postmessage-wildcard-origin
window.parent.postMessage({ type: 'ready' }, 'https://app.example.com');

// ruleid: js-message-listener-no-origin-check
window.addEventListener('message', (event) => {
  runCommand(event.data.cmd);
});
// ok: js-message-listener-no-origin-check
window.addEventListener('message', (event) => {
  if (event.origin !== 'https://app.example.com') return;
  runCommand(event.data.cmd);
});

app.post('/users', async (req, res) => {
  // ruleid: js-mass-assignment
  const user = await User.create(req.body);
  // ruleid: js-mass-assignment
  await User.findByIdAndUpdate(req.params.id, req.body);
  // ruleid: js-mass-assignment
  Object.assign(account, req.body);
  // ruleid: js-mass-assignment
  const doc = new Product(req.body);
  // ok: js-mass-assignment
  const u2 = await User.create({ name: req.body.name, email: req.body.email });
  // ok: js-mass-assignment
  const merged = Object.assign({}, defaults);
  res.json(user);
});

app.get('/proxy', async (req, res) => {
  // ruleid: js-ssrf-request-url
  const r = await axios.get(req.query.url);
  // ruleid: js-ssrf-request-url
  const r2 = await fetch(`${req.body.host}/status`);
  // ok: js-ssrf-request-url
  const r3 = await fetch(`https://api.example.com/users/${encodeURIComponent(req.params.id)}`);
  // ok: js-ssrf-request-url
  const r4 = await axios.get(`${API_BASE}/items/${req.params.id}`);
  res.json([r.data, r2.status, r3.status, r4.data]);
});

app.post('/webhook-test', async (req, res) => {
  const { callbackUrl } = req.body;
  // ruleid: js-ssrf-request-url
  const r = await axios.post(callbackUrl, { ok: true });
  const target = req.query.target;
  try {
    // ruleid: js-ssrf-request-url
    const page = await fetch(`${target}/status`, { method: 'GET' });
    res.send(await page.text());
  } catch (e) {
    res.sendStatus(502);
  }
  // ruleid: js-ssrf-request-url
  http.request({ method: 'GET', host: target, path: '/' }, onRes).end();
  const fixed = 'https://status.example.com/health';
  // ok: js-ssrf-request-url
  const s = await fetch(fixed);
  res.json([r.status, s.status]);
});

app.get('/greet', (req, res) => {
  const { name } = req.query;
  const html = `<html><body><h1>Welcome, ${name}!</h1></body></html>`;
  // ruleid: js-express-reflected-xss
  res.send(html);
});

app.get('/echo', (req, res) => {
  const msg = req.query.msg;
  // ruleid: js-express-reflected-xss
  res.send(msg);
  // ok: js-express-reflected-xss
  res.send(req.body);
});

app.get('/sso/callback', (req, res) => {
  const returnUrl = req.query.returnUrl || '/';
  if (req.session.user) {
    // ruleid: js-open-redirect
    return res.redirect(returnUrl);
  }
  const page = '/login';
  // ok: js-open-redirect
  res.redirect(page);
});

async function cleartext() {
  // ruleid: js-cleartext-http-request
  const r = await fetch('http://api.example.com/v1/items');
  // ruleid: js-cleartext-http-request
  const sock = new WebSocket(`ws://chat.example.com/room/${room}`);
  // ok: js-cleartext-http-request
  const r2 = await fetch('https://api.example.com/v1/items');
  // ok: js-cleartext-http-request
  const r3 = await axios.get('http://localhost:3000/health');
  return [r, sock, r2, r3];
}

const { BrowserWindow } = require('electron');
function createWindow() {
  const win = new BrowserWindow({
    width: 800,
    // ruleid: js-electron-insecure-web-preferences
    webPreferences: { nodeIntegration: true, contextIsolation: false },
  });
  const safe = new BrowserWindow({
    // ok: js-electron-insecure-web-preferences
    webPreferences: { preload: path.join(__dirname, 'preload.js'), contextIsolation: true, sandbox: true },
  });
  return [win, safe];
}

app.get('/probe', async (req, res) => {
  const host = req.query.host;
  const target = `http://${host}:8080/status`;
  // ruleid: js-ssrf-request-url
  const r = await fetch(target);
  res.sendStatus(r.status);
});
