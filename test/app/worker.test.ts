// The worker around the loop: notifications a channel failed to deliver are swept up later; a thread whose agent
// is unknown fails instead of being claimed forever.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/support/logger.js';
import type { RegisteredAgent } from '../../src/runtime/agent-module.js';
import type { Notifier } from '../../src/runtime/channel-module.js';
import { Worker } from '../../src/runtime/worker.js';
import { defaultGuardLimits } from '../../src/core/guards.js';
import { randomIds, systemClock, type ThreadId } from '../../src/core/ids.js';
import { pendingNotifications, type Thread } from '../../src/core/thread.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { testAgent } from '../core/given.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';

let store: ThreadStore;
beforeEach(async () => {
  store = await openStore({ databaseUrl: ':memory:', humanIntents: linearIntentsForEveryAgent });
});
afterEach(async () => store.close());

async function start(agent = 'test-agent'): Promise<ThreadId> {
  const id = randomIds.threadId();
  await store.create({ id, agent, events: [{ id: randomIds.eventId(), at: new Date().toISOString(), type: 'message_received', data: { channel: 'api', text: 'hi' } }] });
  return id;
}

it('retries a failed notification on the next sweep, and marks it delivered', async () => {
  const delivered: string[] = [];
  let failures = 1;
  const notifier: Notifier = {
    async notify(thread: Thread) {
      const pending = pendingNotifications(thread.events, linearAssistantIntents);
      if (pending.length === 0) return;
      if (failures-- > 0) throw new Error('SMTP down');
      for (const e of pending) {
        delivered.push(e.type);
        await store.append(thread.id, [{ id: randomIds.eventId(), at: new Date().toISOString(), type: 'message_sent', data: { channel: 'test', to: ['a@b.c'], inResponseTo: e.id } }], { expectedSeq: 'any' });
      }
    },
  };
  const agents = new Map<string, RegisteredAgent>([
    ['test-agent', { definition: testAgent, model: async () => ({ kind: 'step', value: { intent: 'request_more_information', message: 'Which team?' }, usage: { model: 'm', inputTokens: 1, outputTokens: 1, latencyMs: 1, raw: '{}' } }) }],
  ]);
  const worker = new Worker({ store, agents, limits: defaultGuardLimits, ids: randomIds, clock: systemClock, logger: silentLogger, notifiers: [notifier] });
  const id = await start();
  await worker.drain();
  expect(delivered).toEqual([]);
  expect(await worker.sweepNotifications()).toBe(1);
  expect(delivered).toEqual(['step_decided']);
  expect(await worker.sweepNotifications()).toBe(0);
  expect((await store.load(id))?.events.at(-1)?.type).toBe('message_sent');
});

it('fails a thread whose agent does not run here, so it is not claimed again and again', async () => {
  const worker = new Worker({ store, agents: new Map(), limits: defaultGuardLimits, ids: randomIds, clock: systemClock, logger: silentLogger });
  const id = await start('retired-agent');
  await worker.drain();
  const thread = await store.load(id);
  expect(thread?.events.at(-1)).toMatchObject({ type: 'thread_failed', data: { reason: 'no agent named "retired-agent" runs here' } });
  expect(await store.claim({ owner: 'x', leaseMs: 1000, limit: 10 })).toEqual([]);
});
