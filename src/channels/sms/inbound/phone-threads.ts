// Phone → the thread a message from it continues: the newest one waiting for a person that this person is in —
// started from that number, or whose contact (where the person last wrote: an email, a Slack thread) is one of
// their identities (PEOPLE). An SMS carries no reply-to id, so "the conversation you are in" is the only mapping a
// phone user can follow.
import type { ThreadId } from '../../../core/ids.js';
import { sameIdentity, type People } from '../../../core/people.js';
import { contactFor, type RoutePolicy } from '../../../core/route.js';
import { senderTerm } from '../../../core/search-terms.js';
import { foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents, type ThreadStatus } from '../../../core/thread.js';
import type { ThreadStore, ThreadSummary } from '../../../store/thread-store.js';
import { SMS_CHANNEL, smsRequester } from '../sms-thread.js';

const waiting: readonly ThreadStatus[] = ['awaiting_human', 'awaiting_approval'];

export interface PhoneThreadsDeps {
  people: People;
  humanIntents: (agent: string) => HumanIntents | undefined;
  routing: Pick<RoutePolicy, 'channels'>;
}

export async function waitingThreadOf(store: ThreadStore, phone: string, deps?: PhoneThreadsDeps): Promise<ThreadId | undefined> {
  const identities = deps?.people.identitiesOf({ channel: SMS_CHANNEL, id: phone }) ?? [{ channel: SMS_CHANNEL, id: phone }];
  // Only threads one of the person's identities ever wrote to can have them as their contact: the search index
  // finds those without reading any other thread.
  const candidates = new Map<ThreadId, ThreadSummary>();
  for (const identity of identities) {
    for (const status of waiting) {
      let cursor: string | undefined;
      do {
        const page = await store.list({ status, terms: [senderTerm(identity.id)], limit: 200, ...(cursor !== undefined ? { cursor } : {}) });
        for (const summary of page.threads) candidates.set(summary.id, summary);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
  }
  const newestFirst = [...candidates.values()].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  for (const summary of newestFirst) {
    const thread = await store.load(summary.id);
    if (thread === undefined) continue;
    if (smsRequester(thread.events) === phone) return thread.id;
    if (deps === undefined) continue;
    const contact = contactFor(foldState(thread.events, deps.humanIntents(thread.agent) ?? noHumanIntents), deps.routing);
    const from = contact?.from;
    if (contact !== undefined && from !== undefined && identities.some((i) => sameIdentity(i, { channel: contact.channel, id: from }))) return thread.id;
  }
  return undefined;
}
