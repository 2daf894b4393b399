// The signed reply address `assistant+<threadId>.<hmac>@domain`: how a reply without usable headers finds its thread.
import { parseThreadId, type ThreadId } from '../../core/ids.js';
import { domainOf, localPartOf, normalizeAddress } from './addresses.js';
import type { Secret } from '../shared/secret.js';
import { safeEqual, signFor } from '../shared/signing.js';

const PURPOSE = 'hardway-email-reply-address-v1';
// 128 bits of HMAC in lower-case hex: MTAs may lower-case local parts, so no case-sensitive alphabet.
const SIG_HEX_LENGTH = 32;

function signature(secret: Secret, threadId: ThreadId): string {
  return signFor(secret, PURPOSE, threadId).toString('hex').slice(0, SIG_HEX_LENGTH);
}

export function threadReplyAddress(ownAddress: string, threadId: ThreadId, secret: Secret): string {
  return `${localPartOf(ownAddress)}+${threadId}.${signature(secret, threadId)}@${domainOf(ownAddress)}`;
}

export type ReplyAddressMatch = { kind: 'none' } | { kind: 'valid'; threadId: ThreadId } | { kind: 'invalid' };

/**
 * `none`: not one of our plus-addresses. `invalid`: looks like one but the signature does not verify (a guessed or
 * edited thread id), which must never fall back to "start a new thread".
 */
export function matchReplyAddress(address: string, ownAddress: string, secret: Secret): ReplyAddressMatch {
  const a = normalizeAddress(address);
  const prefix = `${localPartOf(ownAddress)}+`;
  if (domainOf(a) !== domainOf(ownAddress) || !localPartOf(a).startsWith(prefix)) return { kind: 'none' };
  const tag = localPartOf(a).slice(prefix.length);
  const dot = tag.lastIndexOf('.');
  if (dot < 0) return { kind: 'invalid' };
  const threadId = parseThreadId(tag.slice(0, dot));
  const given = tag.slice(dot + 1);
  if (threadId === undefined) return { kind: 'invalid' };
  return safeEqual(given, signature(secret, threadId)) ? { kind: 'valid', threadId } : { kind: 'invalid' };
}
