// Which phone a thread belongs to: the number whose SMS started it. Threads started elsewhere are not the SMS channel's.
import type { ThreadEvent } from '../../core/events.js';

export const SMS_CHANNEL = 'sms';

/** Delivery source of inbound MessageSids, so a retried webhook is written once. */
export const SMS_DELIVERY_SOURCE = 'sms';

export function smsRequester(events: readonly ThreadEvent[]): string | undefined {
  const first = events[0];
  if (first?.type !== 'message_received' || first.data.channel !== SMS_CHANNEL) return undefined;
  return first.data.from;
}
