// Linear's webhook signing, as @linear/sdk's LinearWebhookClient checks it: `Linear-Signature` is the hex
// HMAC-SHA256 of the raw body with the webhook secret, and the body's `webhookTimestamp` (ms) is within a minute.
import type { Secret } from '../../shared/secret.js';
import { hmacSha256, safeEqual } from '../../shared/signing.js';

export const SIGNATURE_HEADER = 'Linear-Signature';
export const DELIVERY_HEADER = 'Linear-Delivery';

/** The SDK's tolerance: an older (or further ahead) delivery may be a replay. */
export const MAX_SKEW_MS = 60_000;

export type SignatureCheck = { ok: true } | { ok: false; problem: string };

export function linearSignature(secret: Secret, body: Buffer): string {
  return hmacSha256(secret, body).toString('hex');
}

/** The signature over the exact bytes; the timestamp is checked once the body is known to be Linear's. */
export function verifyLinearSignature(input: { secret: Secret; signature: string | undefined; body: Buffer }): SignatureCheck {
  if (input.signature === undefined || input.signature.trim() === '') return { ok: false, problem: `missing ${SIGNATURE_HEADER} header` };
  if (!safeEqual(input.signature.trim().toLowerCase(), linearSignature(input.secret, input.body))) return { ok: false, problem: 'signature does not match' };
  return { ok: true };
}

export function verifyWebhookTimestamp(timestampMs: number, now: Date): SignatureCheck {
  if (Math.abs(now.getTime() - timestampMs) > MAX_SKEW_MS) return { ok: false, problem: 'webhookTimestamp is more than 60 s away from now' };
  return { ok: true };
}
