// The code an approval by SMS must carry ("YES 482113"): derived with HMAC from the thread and the call, so nothing is
// stored, a code decides only the request it was sent for, and a spoofed number without the code decides nothing.
import type { CallId, ThreadId } from '../../../core/ids.js';
import type { Secret } from '../../shared/secret.js';
import { safeEqual, signFor } from '../../shared/signing.js';

const DIGITS = 6;

export function approvalCode(secret: Secret, threadId: ThreadId, callId: CallId | undefined): string {
  const mac = signFor(secret, 'sms-approval', `${threadId}\0${callId ?? ''}`);
  return String(mac.readUInt32BE(0) % 10 ** DIGITS).padStart(DIGITS, '0');
}

export function codeMatches(secret: Secret, threadId: ThreadId, callId: CallId | undefined, given: string): boolean {
  return safeEqual(given, approvalCode(secret, threadId, callId));
}

export type SmsReply =
  | { kind: 'approve'; code: string; comment?: string }
  | { kind: 'deny'; code: string; reason?: string }
  | { kind: 'other' };

/** "YES 123456", "no 123456 wrong team": anything else, a bare "yes" included, is words. */
export function readSmsReply(body: string): SmsReply {
  const m = /^\s*(yes|no)\s+(\d{6})(?:\b[\s,:.-]*([\s\S]*))?$/i.exec(body);
  if (m === null || m[1] === undefined || m[2] === undefined) return { kind: 'other' };
  const rest = m[3]?.trim() ?? '';
  if (m[1].toLowerCase() === 'yes') return { kind: 'approve', code: m[2], ...(rest ? { comment: rest } : {}) };
  return { kind: 'deny', code: m[2], ...(rest ? { reason: rest } : {}) };
}
