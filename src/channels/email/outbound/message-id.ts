// Message-IDs: one normal form for comparing and storing them, and the ids we give our own outbound mail.
import { createHash } from 'node:crypto';

/** `<local@domain>` with surrounding space removed; undefined for an empty or absent id. */
export function normalizeMessageId(value: string | undefined): string | undefined {
  const inner = value?.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return inner ? `<${inner}>` : undefined;
}

/** The ids named in a References or In-Reply-To header, in order, normalized, without repeats. */
export function messageIdList(values: string | readonly string[] | undefined): string[] {
  const raw = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const ids = raw.flatMap((v) => v.match(/<[^<>\s]+>/g) ?? (v.trim() ? [v] : []));
  return [...new Set(ids.map(normalizeMessageId).filter((id): id is string => id !== undefined))];
}

/** A stable id for mail that arrived without one, so a redelivery of the same bytes still dedupes. */
export function syntheticMessageId(raw: Buffer): string {
  return `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@message-id.invalid>`;
}

/**
 * Deterministic for an event, so re-sending after a crash between send and record reuses the id (mail clients
 * drop the copy, and the delivery record dedupes it).
 */
export function outboundMessageId(parts: { eventId: string; threadId: string; index?: number }, domain: string): string {
  const suffix = parts.index === undefined || parts.index === 0 ? '' : `.${parts.index}`;
  return `<${parts.eventId}${suffix}.${parts.threadId}@${domain}>`;
}
