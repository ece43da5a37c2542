import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'crypto';

export function hashPassword(password: string): string {
  // ruleid: js-password-fast-hash
  return createHash('sha512').update(password).digest('hex');
}

export function sessionId(): string {
  // ruleid: js-insecure-random-secret, js-math-random
  const sessionId: string = Math.random().toString(36).substring(2);
  return sessionId;
}

export function verifyWebhook(body: string, signature: string, key: string): boolean {
  const expected = crypto.createHmac('sha256', key).update(body).digest('hex');
  // ruleid: js-timing-unsafe-compare
  if (expected === signature) {
    return true;
  }
  // ok: js-timing-unsafe-compare
  return timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

export function fingerprint(data: Buffer): string {
  // ruleid: js-weak-hash
  return crypto.createHash('md5').update(data).digest('hex');
}
