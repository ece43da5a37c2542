import { exec } from 'child_process';
import * as mysql from 'mysql2';

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
