// Deliveries named in one write, each once: a repeat in the same call is not a redelivery.
import type { Delivery } from './thread-store.js';

export function distinctDeliveries(deliveries: readonly Delivery[] | undefined): Delivery[] {
  const seen = new Map<string, Delivery>();
  for (const d of deliveries ?? []) seen.set(JSON.stringify([d.source, d.id]), d);
  return [...seen.values()];
}
