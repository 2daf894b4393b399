// HMAC helpers for every channel (reply-address tokens, approval links, signed webhooks): one place to get right.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from './secret.js';

/** HMAC-SHA256 with a purpose label, so a signature made for one use can never be replayed as another. */
export function signFor(secret: Secret, purpose: string, data: string | Buffer): Buffer {
  return createHmac('sha256', secret.reveal()).update(`${purpose}\0`).update(data).digest();
}

/** Compares in time independent of where the inputs differ; different lengths are simply unequal. */
export function safeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (x.length !== y.length) {
    // Still spend the comparison so a length mismatch is not measurably faster.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/** Plain HMAC-SHA256, for signatures whose format a sender outside this code base defines (X-Signature-256). */
export function hmacSha256(secret: Secret, data: Buffer): Buffer {
  return createHmac('sha256', secret.reveal()).update(data).digest();
}
