// Who belongs to an email thread: its requester, the people on its first email, and who may approve its actions.
import type { EmailReceived, ThreadEvent } from '../../core/events.js';
import { isOwnAddress, normalizeAddress, uniqueAddresses } from './addresses.js';

/** The email that started the thread, when it started by email. */
export function firstEmail(events: readonly ThreadEvent[]): EmailReceived | undefined {
  const first = events[0];
  return first?.type === 'email_received' ? first.data : undefined;
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
