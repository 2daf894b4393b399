// Replay and fork end to end: a thread run by the scripted model against the Linear double, then forked from a
// middle step and run again under a second scripted model, in dry run (no mutation reaches Linear) and live.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import { replayInTerminal } from '../../src/cli/replay.js';
import type { ThreadEvent } from '../../src/core/events.js';
import type { ThreadId } from '../../src/core/ids.js';
import type { Thread } from '../../src/core/thread.js';
import { createLocalWorkspace, type LocalWorkspace } from '../../src/linear/local-workspace/local-workspace.js';
import { createSdkLinear } from '../../src/linear/sdk-adapter.js';
import type { DivergenceReport } from '../../src/replay/divergence.js';
import { silentLogger } from '../../src/support/logger.js';
import { threadPart } from '../loop/harness.js';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';
import { postgresAvailable } from '../support/postgres.js';
import { postgresForSuite } from '../support/postgres-suite.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';
import { AUSTIN, OPS, emailThread as openEmailThread } from '../support/seed-recovery.js';

const MUTATIONS = new Set(['IssueCreate', 'IssueUpdate', 'CommentCreate']);

let llm: StubLlm;
let other: StubLlm;
let workspace: LocalWorkspace;
let linear: LinearDouble;
let c: Container;
const notified: ThreadId[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: ':memory:', LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'stub', LLM_MAX_RETRIES: '0', ...extra };
}

beforeAll(async () => {
  llm = await startStubLlm();
  other = await startStubLlm({ model: 'other' });
});
afterAll(async () => {
  await llm.close();
  await other.close();
});
beforeEach(async () => {
  llm.reset();
  other.reset();
  notified.length = 0;
  workspace = createLocalWorkspace({ file: ':memory:', seedFile });
  linear = await startLinearDouble({ workspace });
  c = await openContainer(':memory:');
});

function openContainer(databaseUrl: string): Promise<Container> {
  return createContainer(readConfig(env({ DATABASE_URL: databaseUrl })), {
    logger: silentLogger,
    linear: createSdkLinear({ apiKey: linear.apiKey, apiUrl: linear.url, retries: 0 }),
    // Stands for every channel: whoever a paused thread would reach.
    notifiers: [{ notify: async (thread) => void notified.push(thread.id) }],
  });
}
afterEach(async () => {
  await c.close();
  expect(linear.invalidRequests()).toEqual([]);
  expect(llm.scriptErrors).toEqual([]);
  expect(other.scriptErrors).toEqual([]);
  await linear.close();
  workspace.close();
});

const mutationsSent = () => linear.operations().filter((op) => op !== null && MUTATIONS.has(op)).length;
const issuesTitled = (title: string) => workspace.searchIssues({ query: title, limit: 50 }).then((all) => all.filter((i) => i.title === title));
const load = async (id: ThreadId): Promise<Thread> => c.service.load(id);

const emailThread = (body: string): Promise<ThreadId> => openEmailThread(c.store, body);

/** The original: search, create the issue, answer. Returns it with the seq of the search's result (the middle). */
async function originalThread(): Promise<{ id: ThreadId; middle: number; events: readonly ThreadEvent[] }> {
  llm.script(
    { intent: 'search_issues', query: 'fridges' },
    { intent: 'create_issue', issue: { title: 'Restock fridges', team_id: OPS, assignee_id: AUSTIN } },
    { intent: 'done_for_now', message: 'Created the issue for Austin.' },
  );
  const id = await emailThread('Can you make a new issue for Austin to restock the fridges?');
  await c.worker.drain();
  const events = (await load(id)).events;
  const middle = events.find((e) => e.type === 'tool_succeeded' && e.data.intent === 'search_issues')?.seq;
  if (middle === undefined) throw new Error('the original never searched');
  expect(await issuesTitled('Restock fridges')).toHaveLength(1);
  return { id, middle, events };
}

const otherModel = () => ({ provider: 'openai-compatible', model: 'other', baseUrl: other.baseUrl });

describe('replay from a middle step in dry run', () => {
  it('runs a fork under another model, reports where its steps diverge, and sends no mutation to Linear', async () => {
    const original = await originalThread();
    const sentBefore = mutationsSent();
    other.script(
      { intent: 'create_issue', issue: { title: 'Restock the beer fridge', team_id: OPS, assignee_id: AUSTIN } },
      { intent: 'request_more_information', message: 'Which fridge?' },
    );

    const started = await c.replayer.start({ threadId: original.id, fromSeq: original.middle, model: otherModel() });
    const report = await started.finished;

    expect(mutationsSent()).toBe(sentBefore);
    expect(await issuesTitled('Restock the beer fridge')).toEqual([]);
    expect(report).toMatchObject({
      original: { threadId: original.id, status: 'done', steps: 2 },
      replay: { threadId: started.forkId, status: 'awaiting_human', steps: 2 },
      fromSeq: original.middle,
      divergedAt: 1,
      notSent: [{ intent: 'create_issue', args: { issue: { title: 'Restock the beer fridge', team_id: OPS, assignee_id: AUSTIN } } }],
    });
    expect(report.steps.map((s) => [s.verdict, s.original?.intent, s.replay?.intent])).toEqual([
      ['different_args', 'create_issue', 'create_issue'],
      ['different_intent', 'done_for_now', 'request_more_information'],
    ]);
    expect(report.stoppedFor).toContain('request_more_information');
    // The fork ran on the other model only, from the very context the original's second step saw.
    expect(other.requests).toHaveLength(2);
    expect(threadPart(other.requests[0]?.prompt ?? '')).toBe(threadPart(llm.requests[1]?.prompt ?? ''));
    // What the fork sent is stored as any thread's is, for the inspector: byte for byte what the other model got.
    expect((await c.store.stepPrompts(started.forkId)).map((p) => p.body)).toEqual(other.requests.map((r) => r.rawBody));
  });

  it('copies the original’s events up to the seq into a new thread marked as its fork, and leaves the original unchanged', async () => {
    const original = await originalThread();
    other.script({ intent: 'done_for_now', message: 'Nothing to do.' });
    const { forkId, finished } = await c.replayer.start({ threadId: original.id, fromSeq: original.middle, model: otherModel() });
    await finished;

    expect((await load(original.id)).events).toEqual(original.events);
    const fork = await load(forkId);
    expect(forkId).not.toBe(original.id);
    const strip = (e: ThreadEvent) => ({ seq: e.seq, type: e.type, at: e.at, data: e.type === 'message_received' ? { ...e.data, forkedFrom: undefined } : e.data });
    const copied = fork.events.filter((e) => e.seq <= original.middle);
    expect(copied.map(strip)).toEqual(original.events.filter((e) => e.seq <= original.middle).map(strip));
    expect(fork.events[0]).toMatchObject({ type: 'message_received', data: { forkedFrom: { threadId: original.id, seq: original.middle } } });
    const originalIds = new Set<string>(original.events.map((e) => e.id));
    expect(fork.events.filter((e) => originalIds.has(e.id))).toEqual([]);
  });

  it('a fork that stops to ask a person contacts nobody: no notifier and no sweep reaches it, no worker runs it', async () => {
    const original = await originalThread();
    notified.length = 0;
    other.script({ intent: 'request_more_information', message: 'Which fridge?' });
    const { forkId, finished } = await c.replayer.start({ threadId: original.id, fromSeq: original.middle, model: otherModel() });
    const report = await finished;
    expect(report.stoppedFor).toBe('asked a person (request_more_information); nobody was contacted');

    await c.worker.sweepNotifications();
    await c.worker.drain();
    expect(notified).not.toContain(forkId);
    const fork = await load(forkId);
    expect(fork.events.at(-1)).toMatchObject({ type: 'message_sent', data: { channel: 'replay', to: [] } });
    expect(llm.exhausted).toBe(0);
  });

  it('while the fork runs it is leased to the replay: a worker polling meanwhile claims nothing', async () => {
    const original = await originalThread();
    const requestsBefore = llm.requests.length;
    let open = (): void => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let reached = (): void => {};
    const midStep = new Promise<void>((resolve) => (reached = resolve));
    other.script(async () => {
      reached();
      await gate;
      return { intent: 'done_for_now', message: 'Nothing to do.' };
    });
    const { forkId, finished } = await c.replayer.start({ threadId: original.id, fromSeq: original.middle, model: otherModel() });
    await midStep;
    await c.worker.drain();
    expect(llm.requests).toHaveLength(requestsBefore);
    expect((await c.store.list({ id: forkId })).threads.map((t) => t.status)).toEqual(['running']);
    open();
    expect((await finished).replay.status).toBe('done');
  });

  it('the report can be read again later from the store, and answers 404 for a thread that is not a fork', async () => {
    const original = await originalThread();
    other.script({ intent: 'done_for_now', message: 'Done.' });
    const { forkId, finished } = await c.replayer.start({ threadId: original.id, fromSeq: original.middle, model: otherModel() });
    const report = await finished;
    expect(await c.replayer.report(forkId)).toEqual(report);
    await expect(c.replayer.report(original.id)).rejects.toThrow(/is not a replay/);
  });

  it('refuses a seq the thread does not have', async () => {
    const original = await originalThread();
    await expect(c.replayer.start({ threadId: original.id, fromSeq: 999 })).rejects.toThrow(/between 1 and/);
  });
});

describe('replay --live', () => {
  it('sends the fork’s mutations to Linear', async () => {
    const original = await originalThread();
    const sentBefore = mutationsSent();
    other.script(
      { intent: 'create_issue', issue: { title: 'Restock the beer fridge', team_id: OPS, assignee_id: AUSTIN } },
      { intent: 'done_for_now', message: 'Created it.' },
    );
    const report = await (await c.replayer.start({ threadId: original.id, fromSeq: original.middle, live: true, model: otherModel() })).finished;
    expect(mutationsSent()).toBe(sentBefore + 1);
    expect(await issuesTitled('Restock the beer fridge')).toHaveLength(1);
    expect(report.notSent).toEqual([]);
    expect(report.steps.map((s) => s.verdict)).toEqual(['different_args', 'different_args']);
  });
});

describe('POST /v1/threads/:id/replay', () => {
  it('starts the fork and, with wait, answers with its divergence report; GET …/divergence reads it again', async () => {
    const original = await originalThread();
    const sentBefore = mutationsSent();
    other.script(
      { intent: 'create_issue', issue: { title: 'Restock the beer fridge', team_id: OPS, assignee_id: AUSTIN } },
      { intent: 'done_for_now', message: 'Created it.' },
    );
    const res = await c.app.request(`/v1/threads/${original.id}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: 'localhost' },
      body: JSON.stringify({ from_seq: original.middle, provider: 'openai-compatible', model: 'other', base_url: other.baseUrl, wait: true }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { thread_id: string; replay_of: string; live: boolean; report: DivergenceReport };
    expect(body).toMatchObject({ replay_of: original.id, live: false, report: { divergedAt: 1, notSent: [{ intent: 'create_issue' }] } });
    expect(mutationsSent()).toBe(sentBefore);

    const again = await c.app.request(`/v1/threads/${body.thread_id}/divergence`, { headers: { host: 'localhost' } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body.report);
  });

  it('answers 400 for a malformed body and 404 for an unknown thread', async () => {
    const post = (id: string, body: unknown) =>
      c.app.request(`/v1/threads/${id}/replay`, { method: 'POST', headers: { 'content-type': 'application/json', host: 'localhost' }, body: JSON.stringify(body) });
    const original = await originalThread();
    expect((await post(original.id, { from_seq: 'two' })).status).toBe(400);
    expect((await post('thr_nothere', { from_seq: 1 })).status).toBe(404);
  });
});

describe('hardway replay', () => {
  it('prints each step’s verdict, what was not sent and why it stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardway-replay-'));
    try {
      const file = join(dir, 'threads.db');
      const stored = readConfig(env({ DATABASE_URL: file, LINEAR_API_KEY: linear.apiKey, LINEAR_API_URL: linear.url }));
      // The thread is recorded by one process and replayed by another, as `serve` then the CLI would.
      const recorder = await createContainer(stored, { logger: silentLogger });
      llm.script(
        { intent: 'create_issue', issue: { title: 'Restock fridges', team_id: OPS, assignee_id: AUSTIN } },
        { intent: 'done_for_now', message: 'Created the issue for Austin.' },
      );
      const id = await recorder.service.launch({ message: 'Make an issue for Austin to restock the fridges' });
      await recorder.worker.drain();
      const prefetched = (await recorder.service.load(id)).events.filter((e) => e.type === 'tool_succeeded').at(0)?.seq ?? 1;
      await recorder.close();
      const sentBefore = mutationsSent();

      other.script({ intent: 'list_teams' }, { intent: 'request_more_information', message: 'Which team?' });
      const lines: string[] = [];
      const code = await replayInTerminal(stored, id, { from: String(prefetched + 2), provider: 'openai-compatible', model: 'other', baseUrl: other.baseUrl }, (l) => lines.push(l));
      expect(code).toBe(0);
      expect(mutationsSent()).toBe(sentBefore);
      expect(lines[0]).toMatch(new RegExp(`^replay thr_\\S+ of ${id} from seq ${prefetched + 2} \\(dry run: mutations not sent\\)$`));
      expect(lines).toContain('step 1: different intent  create_issue → list_teams');
      expect(lines).toContain('step 2: different intent  done_for_now → request_more_information');
      expect(lines).toContain('first divergence at step 1');
      expect(lines).toContain('stopped: asked a person (request_more_information); nobody was contacted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!postgresAvailable())('replay on PostgreSQL', () => {
  const postgres = postgresForSuite();

  it('forks from the middle, runs in dry run, stores the fork’s prompts and reads its report again, as on SQLite', async () => {
    await c.close();
    c = await openContainer(await postgres().createDatabase());
    expect(c.store.kind).toBe('postgres');
    const original = await originalThread();
    const sentBefore = mutationsSent();
    other.script(
      { intent: 'create_issue', issue: { title: 'Restock the beer fridge', team_id: OPS, assignee_id: AUSTIN } },
      { intent: 'request_more_information', message: 'Which fridge?' },
    );
    const started = await c.replayer.start({ threadId: original.id, fromSeq: original.middle, model: otherModel() });
    const report = await started.finished;
    expect(mutationsSent()).toBe(sentBefore);
    expect(report).toMatchObject({ original: { threadId: original.id, steps: 2 }, replay: { threadId: started.forkId, status: 'awaiting_human', steps: 2 }, divergedAt: 1 });
    expect((await c.store.stepPrompts(started.forkId)).map((p) => p.body)).toEqual(other.requests.map((r) => r.rawBody));
    expect(await c.replayer.report(started.forkId)).toEqual(report);
    expect((await load(original.id)).events).toEqual(original.events);
  });
});
