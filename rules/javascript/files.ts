import { Request, Response } from 'express';
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';

export function download(req: Request, res: Response): void {
  const name = req.params.name as string;
  const file = path.join(__dirname, 'exports', name);
  // ruleid: js-path-traversal-request
  res.download(file);
}

export function downloadSafe(req: Request, res: Response): void {
  const base = path.resolve(__dirname, 'exports');
  const file = path.resolve(base, String(req.params.name));
  if (!file.startsWith(base + path.sep)) {
    res.sendStatus(400);
    return;
  }
  // ok: js-path-traversal-request
  res.download(file);
}

export function spool(data: string): string {
  // ruleid: js-insecure-temp-file, js-fs-dynamic-path
  fs.writeFileSync(path.join(os.tmpdir(), 'spool.txt'), data);
  return 'spool.txt';
}
