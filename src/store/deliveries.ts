// Deliveries named in one write, each once (a repeat in the same call is not a redelivery), and their stored keys.
import type { Delivery } from './thread-store.js';

export function distinctDeliveries(deliveries: readonly Delivery[] | undefined): Delivery[] {
  const seen = new Map<string, Delivery>();
  for (const d of deliveries ?? []) seen.set(JSON.stringify([d.source, d.id]), d);
  return [...seen.values()];
}

/** Starts every escaped key; an id that itself starts with it is escaped too, so no two ids share a key. */
const ESCAPED = '\u0001json:';
/** With the u flag a surrogate pair is one code point, so only a lone half falls in the range. */
const unstorable = /\u0000|[\ud800-\udfff]/u;

/**
 * A delivery id as a text column can hold it (a Message-ID is whatever the sender wrote): unchanged as a rule, so
 * rows written before still match, and as JSON text when it holds a NUL (PostgreSQL refuses it) or a lone surrogate
 * (both drivers would store U+FFFD and merge two different ids).
 */
export function deliveryKey(id: string): string {
  return unstorable.test(id) || id.startsWith(ESCAPED) ? ESCAPED + JSON.stringify(id) : id;
}
