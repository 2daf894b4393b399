// Slack's request signing: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`, and a timestamp within 5 minutes.
import { createHmac } from 'node:crypto';
import type { Secret } from '../../shared/secret.js';
import { safeEqual } from '../../shared/signing.js';

export const SIGNATURE_HEADER = 'X-Slack-Signature';
export const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';

/** Slack's own tolerance: older (or further ahead) requests may be replays. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; problem: string };

export function slackSignature(secret: Secret, timestamp: string, body: Buffer): string {
  return `v0=${createHmac('sha256', secret.reveal()).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export function verifySlackSignature(input: {
  secret: Secret;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  now: Date;
}): SignatureCheck {
  if (input.signature === undefined) return { ok: false, problem: `missing ${SIGNATURE_HEADER} header` };
  if (input.timestamp === undefined || !/^\d{1,12}$/.test(input.timestamp)) return { ok: false, problem: `missing or invalid ${TIMESTAMP_HEADER} header` };
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(input.timestamp));
  if (skew > MAX_SKEW_SECONDS) return { ok: false, problem: 'the request timestamp is more than 5 minutes away from now' };
  if (!safeEqual(input.signature.trim(), slackSignature(input.secret, input.timestamp, input.body))) {
    return { ok: false, problem: 'signature does not match' };
  }
  return { ok: true };
}
