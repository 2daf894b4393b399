// Phone → the thread a message from it continues: the newest one started from that number that waits for a person.
// An SMS carries no reply-to id, so "the conversation you are in" is the only mapping a phone user can follow.
import type { ThreadId } from '../../../core/ids.js';
import type { ThreadStatus } from '../../../core/thread.js';
import type { ThreadStore, ThreadSummary } from '../../../store/thread-store.js';
import { smsRequester } from '../sms-thread.js';

const waiting: readonly ThreadStatus[] = ['awaiting_human', 'awaiting_approval'];

export async function waitingThreadOf(store: ThreadStore, phone: string): Promise<ThreadId | undefined> {
  const candidates: ThreadSummary[] = [];
  for (const status of waiting) {
    let cursor: string | undefined;
    do {
      const page = await store.list({ status, limit: 200, ...(cursor !== undefined ? { cursor } : {}) });
      candidates.push(...page.threads);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
  candidates.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  for (const summary of candidates) {
    const thread = await store.load(summary.id);
    if (thread !== undefined && smsRequester(thread.events) === phone) return thread.id;
  }
  return undefined;
}
