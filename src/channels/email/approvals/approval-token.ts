// The approval link's token: who may decide which call of which thread until when, signed so none of it can be edited.
import { z } from 'zod';
import { asCallId, parseThreadId, type CallId, type ThreadId } from '../../../core/ids.js';
import type { Secret } from '../../shared/secret.js';
import { safeEqual, signFor } from '../../shared/signing.js';

const PURPOSE = 'hardway-approval-link-v1';

export interface ApprovalClaim {
  threadId: ThreadId;
  callId: CallId;
  approver: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const payloadSchema = z.object({
  t: z.string().transform((s, ctx) => {
    const id = parseThreadId(s);
    if (id === undefined) ctx.addIssue({ code: 'custom', message: 'bad thread id' });
    return id ?? z.NEVER;
  }),
  c: z.string().transform((s, ctx) => {
    const id = asCallId(s);
    if (id === undefined) ctx.addIssue({ code: 'custom', message: 'bad call id' });
    return id ?? z.NEVER;
  }),
  a: z.string().min(3),
  e: z.number().int().positive(),
});

export function createApprovalToken(claim: ApprovalClaim, secret: Secret): string {
  const payload = Buffer.from(
    JSON.stringify({ t: claim.threadId, c: claim.callId, a: claim.approver, e: claim.expiresAt }),
    'utf8',
  ).toString('base64url');
  return `${payload}.${signFor(secret, PURPOSE, payload).toString('base64url')}`;
}

export type TokenCheck = { ok: true; claim: ApprovalClaim } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyApprovalToken(token: string, secret: Secret, now: Date): TokenCheck {
  const [payload, signature, ...extra] = token.split('.');
  if (payload === undefined || signature === undefined || extra.length > 0) return { ok: false, reason: 'invalid' };
  // The signature is checked over the encoded payload first: nothing in an unsigned payload is even parsed.
  // Compared as text: Buffer's base64url decoder skips stray characters, so bytes would accept an edited string.
  if (!safeEqual(signature, signFor(secret, PURPOSE, payload).toString('base64url'))) return { ok: false, reason: 'invalid' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const claim = { threadId: parsed.data.t, callId: parsed.data.c, approver: parsed.data.a, expiresAt: parsed.data.e };
  if (now.getTime() >= claim.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, claim };
}
