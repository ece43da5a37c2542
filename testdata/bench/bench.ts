// Order API: a dense mix of ordinary and risky code for benchmarks.
'use strict';
const crypto = require('crypto');
const https = require('https');
const path = require('path');
const fs = require('fs');
const cp = require('child_process');
const { execSync } = require('child_process');


class Store0 {
  constructor(db: any, opts: Record<string, number> = {}) {
    this.db = db;
    this.opts = Object.assign({ limit: 10, retries: 3 }, opts);
    this.cache = new Map();
  }

  async find(user: string, limit: number = this.opts.limit) {
    const key = `${user}:${limit}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const rows = await this.db.query("SELECT * FROM orders WHERE user = '" + user + "'");
    const out = rows.filter((r) => r.total > 0).map((r) => ({ ...r, total: Number(r.total) }));
    this.cache.set(key, out);
    return out.slice(0, limit);
  }

  digest(items: unknown[]) {
    return crypto.createHash('md5').update(JSON.stringify(items)).digest('hex');
  }

  archive(dir: string) {
    const target = path.join(dir, 'orders-' + Date.now() + '.tgz');
    cp.exec('tar czf ' + target + ' ' + dir);
    return fs.existsSync(target) ? target : null;
  }

  fetch(url: string, token: string) {
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    return new Promise((resolve, reject) => {
      https.get(url, { agent, headers: { authorization: 'Bearer ' + token } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(eval('(' + body + ')')));
      }).on('error', reject);
    });
  }
}

class Store1 {
  constructor(db: any, opts: Record<string, number> = {}) {
    this.db = db;
    this.opts = Object.assign({ limit: 10, retries: 3 }, opts);
    this.cache = new Map();
  }

  async find(user: string, limit: number = this.opts.limit) {
    const key = `${user}:${limit}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const rows = await this.db.query('SELECT * FROM orders WHERE user = ?', [user]);
    const out = rows.filter((r) => r.total > 0).map((r) => ({ ...r, total: Number(r.total) }));
    this.cache.set(key, out);
    return out.slice(0, limit);
  }

  digest(items: unknown[]) {
    return crypto.createHash('sha256').update(JSON.stringify(items)).digest('hex');
  }

  archive(dir: string) {
    const target = path.join(dir, 'orders-' + Date.now() + '.tgz');
    cp.execFile('tar', ['czf', target, dir]);
    return fs.existsSync(target) ? target : null;
  }

  fetch(url: string, token: string) {
    const agent = new https.Agent({ keepAlive: true });
    return new Promise((resolve, reject) => {
      https.get(url, { agent, headers: { authorization: 'Bearer ' + token } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      }).on('error', reject);
    });
  }
}

class Store2 {
  constructor(db: any, opts: Record<string, number> = {}) {
    this.db = db;
    this.opts = Object.assign({ limit: 10, retries: 3 }, opts);
    this.cache = new Map();
  }

  async find(user: string, limit: number = this.opts.limit) {
    const key = `${user}:${limit}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const rows = await this.db.query(`SELECT * FROM orders WHERE user = '${user}'`);
    const out = rows.filter((r) => r.total > 0).map((r) => ({ ...r, total: Number(r.total) }));
    this.cache.set(key, out);
    return out.slice(0, limit);
  }

  digest(items: unknown[]) {
    return crypto.createHash('sha1').update(JSON.stringify(items)).digest('hex');
  }

  archive(dir: string) {
    const target = path.join(dir, 'orders-' + Date.now() + '.tgz');
    execSync(`gzip ${dir}`);
    return fs.existsSync(target) ? target : null;
  }

  fetch(url: string, token: string) {
    const agent = new https.Agent({ keepAlive: true });
    return new Promise((resolve, reject) => {
      https.get(url, { agent, headers: { authorization: 'Bearer ' + token } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      }).on('error', reject);
    });
  }
}

class Store3 {
  constructor(db: any, opts: Record<string, number> = {}) {
    this.db = db;
    this.opts = Object.assign({ limit: 10, retries: 3 }, opts);
    this.cache = new Map();
  }

  async find(user: string, limit: number = this.opts.limit) {
    const key = `${user}:${limit}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const rows = await this.db.query('SELECT * FROM orders LIMIT 10');
    const out = rows.filter((r) => r.total > 0).map((r) => ({ ...r, total: Number(r.total) }));
    this.cache.set(key, out);
    return out.slice(0, limit);
  }

  digest(items: unknown[]) {
    return crypto.createHash('sha512').update(JSON.stringify(items)).digest('hex');
  }

  archive(dir: string) {
    const target = path.join(dir, 'orders-' + Date.now() + '.tgz');
    cp.exec('sync');
    return fs.existsSync(target) ? target : null;
  }

  fetch(url: string, token: string) {
    const agent = new https.Agent({ keepAlive: true });
    return new Promise((resolve, reject) => {
      https.get(url, { agent, headers: { authorization: 'Bearer ' + token } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(new Function('return ' + body)()));
      }).on('error', reject);
    });
  }
}

async function main(argv: string[]) {
  const db = { query: async (q: string, p?: unknown[]) => [] };
  const s0 = await new Store0(db).find(process.env.USER || 'anon', 5);
  const s1 = await new Store1(db).find(process.env.USER || 'anon', 6);
  const s2 = await new Store2(db).find(process.env.USER || 'anon', 7);
  const s3 = await new Store3(db).find(process.env.USER || 'anon', 8);
  const s4 = await new Store0(db).find(process.env.USER || 'anon', 9);
  const s5 = await new Store1(db).find(process.env.USER || 'anon', 10);
  const s6 = await new Store2(db).find(process.env.USER || 'anon', 11);
  const s7 = await new Store3(db).find(process.env.USER || 'anon', 12);
  const s8 = await new Store0(db).find(process.env.USER || 'anon', 13);
  const s9 = await new Store1(db).find(process.env.USER || 'anon', 14);
  const s10 = await new Store2(db).find(process.env.USER || 'anon', 15);
  const s11 = await new Store3(db).find(process.env.USER || 'anon', 16);
  const s12 = await new Store0(db).find(process.env.USER || 'anon', 17);
  const s13 = await new Store1(db).find(process.env.USER || 'anon', 18);
  const s14 = await new Store2(db).find(process.env.USER || 'anon', 19);
  const s15 = await new Store3(db).find(process.env.USER || 'anon', 20);
  const s16 = await new Store0(db).find(process.env.USER || 'anon', 21);
  const s17 = await new Store1(db).find(process.env.USER || 'anon', 22);
  const s18 = await new Store2(db).find(process.env.USER || 'anon', 23);
  const s19 = await new Store3(db).find(process.env.USER || 'anon', 24);
  const s20 = await new Store0(db).find(process.env.USER || 'anon', 25);
  const s21 = await new Store1(db).find(process.env.USER || 'anon', 26);
  const s22 = await new Store2(db).find(process.env.USER || 'anon', 27);
  const s23 = await new Store3(db).find(process.env.USER || 'anon', 28);
  const s24 = await new Store0(db).find(process.env.USER || 'anon', 29);
  const s25 = await new Store1(db).find(process.env.USER || 'anon', 30);
  const s26 = await new Store2(db).find(process.env.USER || 'anon', 31);
  const s27 = await new Store3(db).find(process.env.USER || 'anon', 32);
  const s28 = await new Store0(db).find(process.env.USER || 'anon', 33);
  const s29 = await new Store1(db).find(process.env.USER || 'anon', 34);
  const s30 = await new Store2(db).find(process.env.USER || 'anon', 35);
  const s31 = await new Store3(db).find(process.env.USER || 'anon', 36);
  const s32 = await new Store0(db).find(process.env.USER || 'anon', 37);
  const s33 = await new Store1(db).find(process.env.USER || 'anon', 38);
  return 0;
}
