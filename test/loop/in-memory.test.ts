// #10.3: while a worker holds the lease, the thread lives in memory. It is read from the store once per run, and
// again only when someone else wrote to it meanwhile; what the model sees is always the thread as stored.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/support/logger.js';
import type { RegisteredAgent } from '../../src/runtime/agent-module.js';
import { Worker } from '../../src/runtime/worker.js';
import type { NewEvent } from '../../src/core/events.js';
import { defaultGuardLimits } from '../../src/core/guards.js';
import { renderContext } from '../../src/core/render.js';
import { sequentialIds, systemClock, type IdSource, type ThreadId } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { harnessAgent, harnessModel, threadPart, type ToolCall, type ToolImpl } from './harness.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

/** The real store, counting the thread reads made through it. */
function counting(inner: ThreadStore): { store: ThreadStore; loads: () => number } {
  let loads = 0;
  const store: ThreadStore = {
    kind: inner.kind,
    create: (input) => inner.create(input),
    append: (threadId, events, options) => inner.append(threadId, events, options),
    eventsAfter: (threadId, seq) => inner.eventsAfter(threadId, seq),
    load: (threadId) => {
      loads++;
      return inner.load(threadId);
    },
    list: (options) => inner.list(options),
    stepPrompt: (threadId, seq) => inner.stepPrompt(threadId, seq),
    stepPrompts: (threadId) => inner.stepPrompts(threadId),
    findDelivery: (delivery) => inner.findDelivery(delivery),
    claim: (options) => inner.claim(options),
    heartbeat: (lease, leaseMs) => inner.heartbeat(lease, leaseMs),
    release: (lease) => inner.release(lease),
    rebuildStatusCache: () => inner.rebuildStatusCache(),
    close: () => inner.close(),
  };
  return { store, loads: () => loads };
}

let llm: StubLlm;
let inner: ThreadStore;
let ids: IdSource;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
beforeEach(async () => {
  inner = await openStore({ databaseUrl: ':memory:', humanIntents: linearIntentsForEveryAgent });
  ids = sequentialIds();
});
afterEach(async () => {
  await inner.close();
  llm.reset();
});

const teams = { teams: [{ id: 'team-123', key: 'OPS', name: 'Operations' }] };
const createArgs = { issue: { title: 'Restock the fridges', team_id: 'team-123' } };

function setup(tools: Record<string, ToolImpl>, approvalIntents: string[] = []) {
  const counted = counting(inner);
  const calls: ToolCall[] = [];
  const definition = harnessAgent(tools, calls, { approvalIntents });
  const agents = new Map<string, RegisteredAgent>([['linear-assistant', { definition, model: harnessModel(llm) }]]);
  const worker = new Worker({ store: counted.store, agents, limits: defaultGuardLimits, ids, clock: systemClock, logger: silentLogger });
  return { worker, calls, loads: counted.loads, definition };
}

async function start(id: ThreadId, text: string): Promise<ThreadId> {
  await inner.create({ id, agent: 'linear-assistant', events: [{ id: ids.eventId(), at: new Date().toISOString(), type: 'message_received', data: { channel: 'test', from: 'alex@company.com', text } }] });
  return id;
}

/** Someone else writing to the thread while the worker runs it: a human's reply through the intake. */
async function replyMeanwhile(id: ThreadId, message: string): Promise<void> {
  const reply: NewEvent = { id: ids.eventId(), at: new Date().toISOString(), type: 'human_replied', data: { channel: 'email', from: 'alex@company.com', message } };
  await inner.append(id, [reply], { expectedSeq: 'any' });
}

const types = async (id: ThreadId): Promise<string[]> => ((await inner.load(id))?.events ?? []).map((e) => e.type);

describe('#10.3: the thread in memory under the lease, through the real worker', () => {
  it('#10.3: a run reads the thread once, however many steps it takes; each run after a pause reads it once more', async () => {
    const { worker, calls, loads } = setup(
      { list_teams: async () => teams, search_issues: async () => ({ issues: [] }), create_issue: async () => ({ identifier: 'OPS-42' }) },
      ['create_issue'],
    );
    llm.script({ intent: 'list_teams' }, { intent: 'search_issues', query: 'fridge' }, { intent: 'create_issue', ...createArgs }, { intent: 'done_for_now', message: 'Filed OPS-42.' });
    const id = await start(ids.threadId(), 'make an issue to restock the fridges');

    await worker.drain();
    expect(await types(id)).toEqual(['message_received', 'step_decided', 'tool_succeeded', 'step_decided', 'tool_succeeded', 'step_decided', 'approval_requested']);
    expect(loads()).toBe(1);

    await inner.append(id, [{ id: ids.eventId(), at: new Date().toISOString(), type: 'approval_granted', data: { by: 'alex@company.com' } }], { expectedSeq: 'any' });
    await worker.drain();
    expect((await types(id)).slice(-3)).toEqual(['approval_granted', 'tool_succeeded', 'step_decided']);
    expect(loads()).toBe(2);
    expect(calls.map((c) => c.intent)).toEqual(['list_teams', 'search_issues', 'create_issue']);
    // Rendered from memory, step after step, and still a byte prefix of the next step's context.
    const prompts = llm.requests.map((r) => threadPart(r.prompt));
    expect(prompts).toHaveLength(4);
    for (let i = 1; i < prompts.length; i++) expect(prompts[i]?.startsWith(prompts[i - 1] ?? '∅')).toBe(true);
    expect(prompts[3]).toContain('<issue_create_result>');
  });

  it('#10.3: a reply that lands during a model call makes the step conflict: the thread is read again and the step re-decided with the reply', async () => {
    const { worker, calls, loads, definition } = setup({ list_teams: async () => teams, create_issue: async () => ({ identifier: 'OPS-43' }) });
    const id = ids.threadId();
    llm.script(
      { intent: 'list_teams' },
      // A second writer appends while the model is thinking: the step it returns was decided without the reply.
      async () => {
        await replyMeanwhile(id, 'Use the Operations team, and call it "Restock the fridges".');
        return { intent: 'request_more_information', message: 'Which team?' };
      },
      { intent: 'create_issue', ...createArgs },
      { intent: 'done_for_now', message: 'Filed OPS-43.' },
    );
    await start(id, 'make an issue to restock the fridges');
    await worker.drain();

    expect(loads()).toBe(2);
    expect(llm.requests).toHaveLength(4);
    expect(llm.scriptErrors).toEqual([]);
    const prompts = llm.requests.map((r) => threadPart(r.prompt));
    expect(prompts[1]).not.toContain('<human_response>');
    expect(prompts[2]).toContain('<human_response>\n    message: Use the Operations team, and call it "Restock the fridges".\n</human_response>');
    // The stale question was dropped, not stored; the run carried on from the thread as stored.
    expect(await types(id)).toEqual([
      'message_received', 'step_decided', 'tool_succeeded', 'human_replied', 'step_decided', 'tool_succeeded', 'step_decided',
    ]);
    const thread = await inner.load(id);
    expect(thread?.events.filter((e) => e.type === 'step_decided').map((e) => e.type === 'step_decided' && e.data.intent)).toEqual(['list_teams', 'create_issue', 'done_for_now']);
    expect(thread?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(calls.map((c) => c.intent)).toEqual(['list_teams', 'create_issue']);
    // After the re-read, what the model saw is exactly the stored thread, fully rendered.
    expect(threadPart(llm.requests[3]?.prompt ?? '')).toContain(renderContext(thread?.events.slice(0, 6) ?? [], definition.render));
  });

  it('#10.3: a tool with effects: its outcome is stored after someone else’s event, the thread is read again, so the next step sees both', async () => {
    const id = ids.threadId();
    const { worker, loads } = setup({
      search_issues: Object.assign(async () => {
        // The reply lands while the tool runs, so the tool outcome (appended at the end) comes after it.
        await replyMeanwhile(id, 'It is the kitchen one.');
        return { issues: [{ identifier: 'OPS-7', title: 'Restock the kitchen fridge' }] };
      }, { mutates: true }),
    });
    llm.script({ intent: 'search_issues', query: 'fridge' }, { intent: 'done_for_now', message: 'OPS-7 it is.' });
    await start(id, 'find the fridge issue');
    await worker.drain();

    expect(await types(id)).toEqual(['message_received', 'step_decided', 'human_replied', 'tool_succeeded', 'step_decided']);
    expect(loads()).toBe(2);
    // No model call was spent on a stale view: the second prompt already holds the reply and the result.
    expect(llm.requests).toHaveLength(2);
    const second = threadPart(llm.requests[1]?.prompt ?? '');
    expect(second).toContain('<human_response>\n    message: It is the kitchen one.\n</human_response>');
    expect(second).toContain('<search_issues_result>');
    expect(second.indexOf('<human_response>')).toBeLessThan(second.indexOf('<search_issues_result>'));
  });

  it('a read’s step is stored with its result in one append, the pausing append releases the lease, and the next prompt holds both', async () => {
    const counted = counting(inner);
    let appends = 0;
    let releases = 0;
    const store: ThreadStore = {
      ...counted.store,
      append: (threadId, events, options) => (appends++, inner.append(threadId, events, options)),
      release: (lease) => (releases++, inner.release(lease)),
    };
    const calls: ToolCall[] = [];
    const definition = harnessAgent({ list_teams: async () => teams, search_issues: async () => ({ issues: [] }) }, calls);
    const agents = new Map<string, RegisteredAgent>([['linear-assistant', { definition, model: harnessModel(llm) }]]);
    const worker = new Worker({ store, agents, limits: defaultGuardLimits, ids, clock: systemClock, logger: silentLogger });
    llm.script({ intent: 'list_teams' }, { intent: 'search_issues', query: 'fridge' }, { intent: 'done_for_now', message: 'Nothing filed yet.' });
    const id = await start(ids.threadId(), 'is there a fridge issue?');
    await worker.drain();

    expect(await types(id)).toEqual(['message_received', 'step_decided', 'tool_succeeded', 'step_decided', 'tool_succeeded', 'step_decided']);
    // Two reads and the answer: three appends, not five; the answer's append released the lease, so no release.
    expect(appends).toBe(3);
    expect(releases).toBe(0);
    expect((await inner.list({ id })).threads.map((t) => t.status)).toEqual(['done']);
    const thread = await inner.load(id);
    expect(threadPart(llm.requests[2]?.prompt ?? '')).toContain(renderContext(thread?.events.slice(0, 5) ?? [], definition.render));
  });

  it('a read’s step is decided again when someone else’s event lands while its tool runs: nothing stale is stored', async () => {
    const id = ids.threadId();
    let searches = 0;
    const { worker, calls } = setup({
      search_issues: async () => {
        searches++;
        if (searches === 1) await replyMeanwhile(id, 'It is the kitchen one.');
        return { issues: [{ identifier: 'OPS-7', title: 'Restock the kitchen fridge' }] };
      },
    });
    llm.script(
      { intent: 'search_issues', query: 'fridge' },
      { intent: 'search_issues', query: 'kitchen fridge' },
      { intent: 'done_for_now', message: 'OPS-7 it is.' },
    );
    await start(id, 'find the fridge issue');
    await worker.drain();

    // The first search was decided before the reply: neither it nor its result is in the log.
    expect(await types(id)).toEqual(['message_received', 'human_replied', 'step_decided', 'tool_succeeded', 'step_decided']);
    const thread = await inner.load(id);
    const decided = thread?.events.flatMap((e) => (e.type === 'step_decided' ? [e.data.args] : []));
    expect(decided?.[0]).toEqual({ query: 'kitchen fridge' });
    expect(calls.map((c) => c.args)).toEqual([{ query: 'fridge' }, { query: 'kitchen fridge' }]);
    expect(threadPart(llm.requests[1]?.prompt ?? '')).toContain('<human_response>\n    message: It is the kitchen one.\n</human_response>');
    expect(threadPart(llm.requests[1]?.prompt ?? '')).not.toContain('<search_issues_result>');
  });

  it('a soft stop while a read runs still stores its step with its result', async () => {
    const running: { worker?: Worker; stopped?: Promise<void> } = {};
    const { worker } = setup({
      search_issues: async () => {
        running.stopped = running.worker?.stop(60_000);
        return { issues: [] };
      },
    });
    running.worker = worker;
    llm.script({ intent: 'search_issues', query: 'fridge' }, { intent: 'done_for_now', message: 'none' });
    const id = await start(ids.threadId(), 'find the fridge issue');
    await worker.drain();
    await running.stopped;

    expect(await types(id)).toEqual(['message_received', 'step_decided', 'tool_succeeded']);
    expect(llm.requests).toHaveLength(1);
  });
});
