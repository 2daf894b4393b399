// Builders for threads in tests: events with deterministic ids, seqs and times.
import type { EventDataByType, EventType, ThreadEvent } from '../../src/core/events.js';
import type { CallId, EventId, ThreadId } from '../../src/core/ids.js';
import type { Thread } from '../../src/core/thread.js';
import { emailMessage, type EmailReceived } from '../../src/channels/email/email-received.js';

export const T0 = '2026-11-23T10:00:00.000Z';

export function ev<T extends EventType>(type: T, data: EventDataByType[T]): { type: T; data: EventDataByType[T] } {
  return { type, data };
}

export function thread(...inits: Array<{ type: EventType; data: EventDataByType[EventType] }>): Thread {
  const events = inits.map((init, i) => ({ ...init, id: `evt_g${i + 1}` as EventId, seq: i + 1, at: T0 }) as ThreadEvent);
  return { id: 'thr_test' as ThreadId, agent: 'test-agent', events };
}

export const call = (n: number): CallId => `call_c${n}` as CallId;

/** An inbound email as the email channel writes it: a `message_received` on channel `email` (`changes` over the default mail). */
export function email(body: string, subject = 'Create issue for restocking', changes: Partial<EmailReceived> = {}): EventDataByType['message_received'] {
  return emailMessage({ ...mail(body, subject), ...changes });
}

export function mail(body: string, subject = 'Create issue for restocking'): EmailReceived {
  return {
    from: { address: 'user@example.com' },
    to: [{ address: 'linear-assistant@company.com' }],
    cc: [],
    subject,
    body,
    fullBody: body,
    messageId: '<m1@example.com>',
    references: [],
    previousThread: [],
    attachments: [],
  };
}

export function decided(n: number, intent: string, args: EventDataByType['step_decided']['args'] = {}): EventDataByType['step_decided'] {
  return { callId: call(n), intent, args, idempotencyKey: `thr_test/${call(n)}`, origin: 'model' };
}
