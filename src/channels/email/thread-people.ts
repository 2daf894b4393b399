// Who belongs to an email thread: its requester, the people on its first email, and who may approve its actions.
import type { ThreadEvent } from '../../core/events.js';
import type { ThreadState } from '../../core/state.js';
import { isOwnAddress, normalizeAddress, uniqueAddresses } from './addresses.js';
import { emailEventOf, type EmailReceived } from './email-received.js';

/** The email that started the thread, when it started by email: the state's first event (or the events' first). */
export function firstEmail(from: Pick<ThreadState, 'firstEvent'> | readonly ThreadEvent[]): EmailReceived | undefined {
  const first = isEvents(from) ? from[0] : from.firstEvent;
  return emailEventOf(first);
}

function isEvents(from: Pick<ThreadState, 'firstEvent'> | readonly ThreadEvent[]): from is readonly ThreadEvent[] {
  return Array.isArray(from);
}

/** APPROVERS when configured, otherwise the person who asked. */
export function approversOf(first: EmailReceived | undefined, configured: readonly string[]): string[] {
  if (configured.length > 0) return uniqueAddresses(configured);
  return first === undefined ? [] : [normalizeAddress(first.from.address)];
}

/** Everyone whose reply may resume the thread; our own addresses never count. */
export function participantsOf(first: EmailReceived | undefined, configuredApprovers: readonly string[], ownAddress: string): Set<string> {
  const people = [
    ...(first === undefined ? [] : [first.from.address, ...first.to.map((a) => a.address), ...first.cc.map((a) => a.address)]),
    ...approversOf(first, configuredApprovers),
  ];
  return new Set(uniqueAddresses(people).filter((a) => !isOwnAddress(a, ownAddress)));
}
