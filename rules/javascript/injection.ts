import { exec } from 'child_process';
import * as mysql from 'mysql2';
import { Pool } from 'pg';

export function handler(req: { query: Record<string, string> }, conn: mysql.Connection): void {
  // ruleid: js-child-process-exec
  exec(`convert ${req.query.file} out.png`);
  // ok: js-child-process-exec
  exec('convert in.png out.png');
  // ruleid: js-sql-string-built
  conn.query(`DELETE FROM t WHERE id = ${req.query.id}` as string);
  // ruleid: js-eval-dynamic
  const r: unknown = eval(req.query.code as string);
  console.log(r);
}

export async function findUser(pool: Pool, name: string): Promise<unknown[]> {
  const sql: string = `SELECT id, email FROM users WHERE name = '${name}'`;
  // ruleid: js-sql-string-built
  const res = await pool.query(sql);
  // ok: js-sql-string-built
  const ok = await pool.query('SELECT id FROM users WHERE name = $1', [name]);
  // ruleid: js-regexp-dynamic
  const re: RegExp = new RegExp(`^${name}`);
  // ruleid: js-require-dynamic
  const handler = require(`./handlers/${name}`);
  return [res.rows, ok.rows, re, handler];
}

export class UserService {
  constructor(private readonly repository: { query(sql: string): Promise<unknown>; createQueryBuilder(a: string): any }) {}

  async byName(name: string): Promise<unknown> {
    // ruleid: js-sql-string-built
    return this.repository.query(`SELECT * FROM users WHERE name = '${name}'`);
  }

  async byEmail(email: string): Promise<unknown> {
    return this.repository
      .createQueryBuilder('user')
      // ruleid: js-sql-query-builder-where-built
      .where(`user.email = '${email}'`)
      .getOne();
  }

  async byEmailSafe(email: string): Promise<unknown> {
    return this.repository
      .createQueryBuilder('user')
      // ok: js-sql-query-builder-where-built
      .where('user.email = :email', { email })
      .getOne();
  }
}
