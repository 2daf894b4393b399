// Phone → waiting thread, on a real SQLite store: a number finds its person's newest waiting thread by the thread's
// contact, wherever it started; someone else's thread, or a number nobody configured, finds none of theirs.
import { describe, expect, it } from 'vitest';
import { readPeople } from '../../src/app/people.js';
import { waitingThreadOf } from '../../src/channels/sms/inbound/phone-threads.js';
import type { NewEvent } from '../../src/core/events.js';
import { sequentialIds, type ThreadId } from '../../src/core/ids.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';
import { fixedClock } from '../email/support/harness.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

const people = readPeople({ PEOPLE: JSON.stringify([{ name: 'alice', email: 'alice@example.com', phone: '+15551230000' }, { name: 'bob', email: 'bob@example.com', phone: '+15551230001' }]) });
const deps = { people, humanIntents: () => linearAssistantIntents, routing: { channels: ['email', 'slack', 'sms'] } };

describe('the waiting thread an SMS continues', () => {
  it('finds the person\'s newest waiting thread started by email, and never another person\'s', async () => {
    const clock = fixedClock();
    const ids = sequentialIds();
    const store = openSqliteStore({ path: ':memory:', clock, humanIntents: linearIntentsForEveryAgent });
    let n = 0;
    const waitingFor = async (from: string, channel = 'email'): Promise<ThreadId> => {
      clock.advance(60_000);
      const id = `thr_p${++n}` as ThreadId;
      const at = clock.now().toISOString();
      const events: NewEvent[] = [
        { id: ids.eventId(), at, type: 'message_received', data: { channel, from, text: 'hi' } },
        { id: ids.eventId(), at, type: 'step_decided', data: { callId: ids.callId(), intent: 'request_more_information', args: { message: 'Which team?' }, idempotencyKey: `${id}/q`, origin: 'model' } },
      ];
      await store.create({ id, agent: 'linear-assistant', events });
      return id;
    };
    try {
      await waitingFor('alice@example.com');
      const alicesNewest = await waitingFor('alice@example.com');
      const bobs = await waitingFor('bob@example.com');
      expect(await waitingThreadOf(store, '+15551230000', deps)).toBe(alicesNewest);
      expect(await waitingThreadOf(store, '+15551230001', deps)).toBe(bobs);
      // A number PEOPLE does not know matches only the threads it started itself.
      expect(await waitingThreadOf(store, '+15559990000', deps)).toBeUndefined();
      const started = await waitingFor('+15559990000', 'sms');
      expect(await waitingThreadOf(store, '+15559990000', deps)).toBe(started);
    } finally {
      await store.close();
    }
  });
});
