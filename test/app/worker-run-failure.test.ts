// #9.4b: a thread whose run keeps failing for a reason outside the loop (here the store refusing every model step)
// is held back by every worker with a growing backoff, then escalated to a human: never a hot loop.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/support/logger.js';
import { ThreadService } from '../../src/runtime/thread-service.js';
import type { RegisteredAgent } from '../../src/runtime/agent-module.js';
import { Worker, type RunFailurePolicy } from '../../src/runtime/worker.js';
import { createLinearAssistant, LINEAR_ASSISTANT } from '../../src/agents/linear-assistant/agent.js';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import { defaultGuardLimits } from '../../src/core/guards.js';
import { randomIds, systemClock, type Clock, type ThreadId } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

let llm: StubLlm;
let inner: ThreadStore | undefined;
const workers: Worker[] = [];

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(0)));
  await inner?.close();
  inner = undefined;
  llm.reset();
});

/** Time that moves only when the test says so: lease expiry is measured on it. */
function manualClock(): Clock & { advance(ms: number): void } {
  let t = Date.parse('2026-12-01T10:00:00.000Z');
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

/** The real store, except that it refuses any model step, the way PostgreSQL refused a step holding a NUL. */
function refusingModelSteps(store: ThreadStore, refusing: { on: boolean }): ThreadStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'append') {
        return (async (threadId, events, options) => {
          const modelStep = events.some((e) => (e.type === 'step_decided' && e.data.origin === 'model') || e.type === 'step_rejected');
          if (refusing.on && modelStep) throw new Error('unsupported Unicode escape sequence \u0000\uD800\n\u0000 cannot be converted to text.');
          return target.append(threadId, events, options);
        }) satisfies ThreadStore['append'];
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function setup(clock: Clock, runFailures: RunFailurePolicy, pollMs = 1_000) {
  inner = await openStore({ databaseUrl: ':memory:', clock, humanIntents: linearIntentsForEveryAgent });
  const refusing = { on: true };
  const store = refusingModelSteps(inner, refusing);
  const definition = createLinearAssistant({ linear: await testWorkspace(), clock });
  const model = linearAssistantModel(
    { provider: 'openai-compatible', model: 'stub', baseUrl: llm.baseUrl, apiKey: 'test', timeoutMs: 10_000, maxRetries: 0 },
    { sleep: async () => {}, random: () => 0 },
  );
  const agents = new Map<string, RegisteredAgent>([[LINEAR_ASSISTANT, { definition, model }]]);
  const outcomes: string[] = [];
  const worker = (owner: string) => {
    const w = new Worker({
      store, agents, limits: defaultGuardLimits, ids: randomIds, clock, logger: silentLogger, owner, pollMs, runFailures, random: () => 1,
      onRun: (_id, result) => outcomes.push(result.outcome),
    });
    workers.push(w);
    return w;
  };
  const service = new ThreadService({ store, agents, defaultAgent: LINEAR_ASSISTANT, limits: defaultGuardLimits, ids: randomIds, clock });
  const status = async (id: ThreadId) => (await store.list({ id })).threads[0]?.status;
  return { store, refusing, worker, service, status, outcomes };
}

// Steps the model proposes, all different, so no guard of the loop's own would stop them.
const steps = Array.from({ length: 30 }, (_, i) => ({ intent: 'search_issues', query: `fridge ${i}` }));

it('#9.4b: a persistently refused append backs off (held from every worker), then escalates after N model calls', async () => {
  const clock = manualClock();
  const n = 3;
  const t = await setup(clock, { backoff: { baseMs: 1_000, maxMs: 4_000 }, escalateAfter: n });
  const [a, b] = [t.worker('worker-a'), t.worker('worker-b')];
  llm.script(...steps);
  const id = await t.service.launch({ message: 'find the fridge issue', from: 'alex@company.com' });

  await a.drain();
  expect(llm.requests).toHaveLength(1);
  // The lease is kept for the backoff: neither this worker nor another may run the thread again yet.
  expect(await t.status(id)).toBe('running');
  await b.drain();
  await a.drain();
  expect(llm.requests).toHaveLength(1);

  clock.advance(999);
  await b.drain();
  expect(llm.requests).toHaveLength(1);
  clock.advance(1);
  await a.drain();
  expect(llm.requests).toHaveLength(2);

  // Exponential: the second wait is twice the first.
  clock.advance(1_999);
  await b.drain();
  await a.drain();
  expect(llm.requests).toHaveLength(2);
  clock.advance(1);
  await a.drain();
  expect(llm.requests).toHaveLength(n);

  const thread = await t.store.load(id);
  const last = thread?.events.at(-1);
  expect(last).toMatchObject({ type: 'escalated', data: { guard: 'run_failed' } });
  const reason = last?.type === 'escalated' ? last.data.reason : '';
  // Short, and without the characters the store refused, so the escalation itself can be stored.
  expect(reason).toBe(`the run failed ${n} times in a row outside the agent (Error: unsupported Unicode escape sequence); a human can retry it`);
  expect(thread?.events.some((e) => e.type === 'step_decided' && e.data.origin === 'model')).toBe(false);
  expect(await t.status(id)).toBe('awaiting_human');
  expect(t.outcomes).toEqual(['error', 'error', 'error']);

  clock.advance(60_000);
  await a.drain();
  await b.drain();
  expect(llm.requests).toHaveLength(n);

  // Once the cause is fixed, a human's retry resumes the thread from its events.
  t.refusing.on = false;
  llm.reset();
  llm.script({ intent: 'done_for_now', message: 'No fridge issue yet.' });
  await t.service.respond(id, { type: 'retry', by: 'alex@company.com' });
  await a.drain();
  expect(await t.status(id)).toBe('done');
  expect(llm.requests).toHaveLength(1);
});

it('#9.4b: the running claim loop, woken after every run, still makes exactly N model calls before escalating', async () => {
  const n = 4;
  // Real time, tiny waits: the count of model calls, not how long anything took, is what is asserted.
  const t = await setup(systemClock, { backoff: { baseMs: 5, maxMs: 20 }, escalateAfter: n }, 5);
  llm.script(...steps);
  const id = await t.service.launch({ message: 'find the fridge issue', from: 'alex@company.com' });
  t.worker('worker-a').start();
  for (let i = 0; i < 1_000 && (await t.status(id)) !== 'awaiting_human'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await t.status(id)).toBe('awaiting_human');
  expect(llm.requests).toHaveLength(n);
  expect(t.outcomes).toEqual(Array.from({ length: n }, () => 'error'));
  const last = (await t.store.load(id))?.events.at(-1);
  expect(last).toMatchObject({ type: 'escalated', data: { guard: 'run_failed' } });
});
