// The Linear channel through the whole program: signed AgentSessionEvent webhooks over real HTTP into the Hono app
// on a real port, the worker running the scripted stub model, and the session's activities posted to the Linear
// double, which checks every document against Linear's schema and records the activities per session.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STOPPED_RESPONSE } from '../../src/channels/linear/outbound/activity-content.js';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import type { ThreadId } from '../../src/core/ids.js';
import { silentLogger } from '../../src/support/logger.js';
import { linearWebhookPoster, sessionCreated, sessionPrompted, signLinear } from '../support/linear-webhooks.js';
import { linearDoubleEnv, listen, stubModelEnv, type Listening } from '../support/program.js';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';

const WEBHOOK_SECRET = 'lin_wh_test_0123456789abcdef';
const ALEX = { id: 'user-alex', name: 'Alex', email: 'alex@example.com' };
const BOSS = { id: 'user-boss', name: 'Boss', email: 'Boss@Example.com' };

let llm: StubLlm;
let linear: LinearDouble;
let c: Container;
let served: Listening;
let base: string;

beforeAll(async () => {
  llm = await startStubLlm();
  const workspace = await testWorkspace();
  linear = await startLinearDouble({ workspace });
  const config = readConfig({
    ...stubModelEnv(llm),
    APPROVAL_INTENTS: 'create_issue',
    MAX_CONSECUTIVE_ERRORS: '2',
    LINEAR_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...linearDoubleEnv(linear),
    LINEAR_APPROVERS: 'boss@example.com',
  });
  c = await createContainer(config, { logger: silentLogger, linear: workspace });
  served = await listen(c);
  base = served.base;
});
afterAll(async () => {
  await served.close();
  await c.close();
  await linear.close();
  await llm.close();
});
/** Finishes what earlier tests left ready, so each test's script is played by its own thread only. */
beforeEach(async () => {
  const ready = (await c.store.list({ status: 'ready' })).threads.length;
  llm.reset();
  for (let i = 0; i < ready; i++) llm.script({ intent: 'done_for_now', message: 'ok' });
  await c.worker.drain();
  llm.reset();
});

const sign = (body: string, secret = WEBHOOK_SECRET): string => signLinear(body, secret);
const post = linearWebhookPoster(() => base, WEBHOOK_SECRET);
const created = (sessionId: string, fields: { timestamp?: number; comment?: string } = {}): string => sessionCreated(sessionId, ALEX, fields);
const prompted = (sessionId: string, user: typeof ALEX, content: { body?: string; signal?: 'stop' }): string => sessionPrompted(sessionId, ALEX, user, content);

async function outcomeOf(res: Response): Promise<{ kind: string; threadId?: ThreadId; meaning?: string }> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { outcome: { kind: string; threadId?: ThreadId; meaning?: string } };
  return body.outcome;
}

async function start(sessionId: string): Promise<ThreadId> {
  const outcome = await outcomeOf(await post(created(sessionId)));
  expect(outcome.kind).toBe('started');
  return outcome.threadId as ThreadId;
}

async function threadCount(): Promise<number> {
  return (await c.store.list()).threads.length;
}

const types = (sessionId: string): string[] => linear.activities.bySession(sessionId).map((a) => a.content.type);

describe('the webhook refuses what Linear did not sign', () => {
  it('refuses a bad, a missing and a wrong-body signature with 401 and starts nothing', async () => {
    const before = await threadCount();
    const body = created(randomUUID());
    expect((await post(body, { signature: sign(body, 'another-secret') })).status).toBe(401);
    expect((await post(body, { signature: null })).status).toBe(401);
    expect((await post(body, { signature: sign(`${body} `) })).status).toBe(401);
    expect(await threadCount()).toBe(before);
  });

  it('refuses a signed delivery whose webhookTimestamp is more than 60 s away, either side, with 401', async () => {
    const before = await threadCount();
    for (const timestamp of [Date.now() - 61_000, Date.now() + 61_000]) {
      expect((await post(created(randomUUID(), { timestamp }))).status).toBe(401);
    }
    expect(await threadCount()).toBe(before);
  });

  it('refuses a signed body that is not JSON, has no webhookTimestamp, or is not an AgentSessionEvent with 400', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ type: 'AgentSessionEvent', action: 'created' }))).status).toBe(400);
    expect((await post(JSON.stringify({ type: 'AgentSessionEvent', action: 'created', webhookTimestamp: Date.now(), agentSession: {} }))).status).toBe(400);
  });

  it('accepts a good signature with 200 and writes only the message: the model runs later, in the worker', async () => {
    const sessionId = randomUUID();
    const threadId = await start(sessionId);
    expect(llm.requests).toHaveLength(0);
    const first = (await c.store.load(threadId))?.events[0];
    expect(first?.type === 'message_received' && first.data).toMatchObject({ channel: 'linear', from: ALEX.id, meta: { sessionId } });
  });

  it('processes a replayed delivery once: the same created starts one thread, the same prompt is recorded once', async () => {
    const sessionId = randomUUID();
    const body = created(sessionId);
    const delivery = randomUUID();
    const before = await threadCount();
    expect((await outcomeOf(await post(body, { delivery }))).kind).toBe('started');
    expect((await outcomeOf(await post(body, { delivery }))).kind).toBe('duplicate');
    expect(await threadCount()).toBe(before + 1);

    const prompt = prompted(sessionId, ALEX, { body: 'one more thing' });
    const promptDelivery = randomUUID();
    const first = await outcomeOf(await post(prompt, { delivery: promptDelivery }));
    expect(first.kind).toBe('resumed');
    expect((await outcomeOf(await post(prompt, { delivery: promptDelivery }))).kind).toBe('duplicate');
    const replies = (await c.store.load(first.threadId as ThreadId))?.events.filter((e) => e.type === 'human_replied') ?? [];
    expect(replies).toHaveLength(1);
  });
});

describe('an agent session in Linear', () => {
  it('posts a thought before the model has answered, then an action per tool step, then a response', async () => {
    const sessionId = randomUUID();
    // The model is held until the thought is at the double: if the thought waited for the model, this never answers.
    llm.script(
      async () => {
        await linear.activities.when((a) => a.agentSessionId === sessionId && a.content.type === 'thought');
        return { intent: 'list_teams' };
      },
      { intent: 'done_for_now', message: 'Operations could own it.' },
    );
    const threadId = await start(sessionId);
    await c.worker.drain();
    expect(llm.scriptErrors).toEqual([]);
    expect(linear.invalidRequests()).toEqual([]);
    expect(types(sessionId)).toEqual(['thought', 'action', 'response']);
    const [thought, action, response] = linear.activities.bySession(sessionId);
    expect(thought?.content).toMatchObject({ type: 'thought' });
    expect(action?.content).toMatchObject({ type: 'action', action: 'list_teams' });
    expect(String(action?.content.result)).toContain('Engineering');
    expect(String(action?.content.result).length).toBeLessThanOrEqual(200);
    expect(response?.content).toEqual({ type: 'response', body: 'Operations could own it.' });
    // The model read the issue and the comment that started the session.
    const prompt = llm.requests[0]?.prompt ?? '';
    expect(prompt).toContain('<linear_session_started>');
    expect(prompt).toContain('OPS-42');
    expect(prompt).toContain('The fridge is empty');
    expect(prompt).toContain('Nobody restocked it since Monday.');
    expect(prompt).toContain('which teams could own this?');
    // The thought (the answer to the opening), the action and the response are recorded as sent once the thread
    // paused, each naming the activity posted.
    const events = (await c.store.load(threadId))?.events ?? [];
    const sent = events.flatMap((e) => (e.type === 'message_sent' ? [e.data] : []));
    const reported = sent.map((d) => events.find((e) => e.id === d.inResponseTo)?.type);
    expect(reported).toEqual(['message_received', 'tool_succeeded', 'step_decided']);
    expect(sent.map((d) => d.messageId)).toEqual([thought?.id, action?.id, response?.id]);
  });

  it('asks with an elicitation and resumes the same thread on the prompt that answers it', async () => {
    const sessionId = randomUUID();
    llm.script({ intent: 'request_more_information', message: 'Which team should own it?' });
    const threadId = await start(sessionId);
    await c.worker.drain();
    expect(linear.activities.bySession(sessionId).at(-1)?.content).toEqual({ type: 'elicitation', body: 'Which team should own it?' });

    const outcome = await outcomeOf(await post(prompted(sessionId, ALEX, { body: 'Operations, please.' })));
    expect(outcome).toMatchObject({ kind: 'resumed', threadId, meaning: 'answer' });
    llm.script({ intent: 'done_for_now', message: 'Noted: Operations.' });
    await c.worker.drain();
    expect(llm.requests.at(-1)?.prompt).toContain('Operations, please.');
    expect(types(sessionId)).toEqual(['thought', 'elicitation', 'response']);
    expect(linear.activities.bySession(sessionId).at(-1)?.content).toEqual({ type: 'response', body: 'Noted: Operations.' });
  });

  it('asks for approval in the session; only an approver (listed by email) decides, and the step runs once approved', async () => {
    const sessionId = randomUUID();
    const team = (await c.linear.listTeams())[0];
    llm.script({ intent: 'create_issue', issue: { title: 'Restock the fridge', team_id: team?.id ?? '' } });
    const threadId = await start(sessionId);
    await c.worker.drain();
    const ask = linear.activities.bySession(sessionId).at(-1);
    expect(ask?.content.type).toBe('elicitation');
    expect(String(ask?.content.body)).toContain('Restock the fridge');

    // Someone else's "approve" is only their words: feedback on the step, which the model revises and asks again.
    expect(await outcomeOf(await post(prompted(sessionId, ALEX, { body: 'approve' })))).toMatchObject({ kind: 'resumed', meaning: 'not_an_approver' });
    llm.script({ intent: 'create_issue', issue: { title: 'Restock the fridge', team_id: team?.id ?? '' } });
    await c.worker.drain();
    expect((await c.store.load(threadId))?.events.some((e) => e.type === 'approval_granted')).toBe(false);
    expect(await outcomeOf(await post(prompted(sessionId, BOSS, { body: 'approve' })))).toMatchObject({ kind: 'resumed', meaning: 'approved' });
    llm.script({ intent: 'done_for_now', message: 'Filed.' });
    await c.worker.drain();
    const events = (await c.store.load(threadId))?.events ?? [];
    expect(events.filter((e) => e.type === 'tool_succeeded' && e.data.intent === 'create_issue')).toHaveLength(1);
    expect(events.find((e) => e.type === 'approval_granted')).toMatchObject({ data: { by: BOSS.id } });
    expect(types(sessionId).slice(-2)).toEqual(['action', 'response']);
  });

  it('takes "deny <reason>" from an approver as a denial the model is told the reason of', async () => {
    const sessionId = randomUUID();
    const team = (await c.linear.listTeams())[0];
    llm.script({ intent: 'create_issue', issue: { title: 'Buy a second fridge', team_id: team?.id ?? '' } });
    const threadId = await start(sessionId);
    await c.worker.drain();
    expect(await outcomeOf(await post(prompted(sessionId, BOSS, { body: 'deny: one fridge is enough' })))).toMatchObject({ kind: 'resumed', meaning: 'denied' });
    llm.script({ intent: 'done_for_now', message: 'Not filed.' });
    await c.worker.drain();
    const events = (await c.store.load(threadId))?.events ?? [];
    expect(events.find((e) => e.type === 'approval_denied')).toMatchObject({ data: { by: BOSS.id, reason: 'one fridge is enough' } });
    expect(events.some((e) => e.type === 'tool_succeeded' && e.data.intent === 'create_issue')).toBe(false);
    expect(llm.requests.at(-1)?.prompt).toContain('one fridge is enough');
  });

  it('halts the thread on the stop signal: the step in flight is dropped, no further model call, a final response', async () => {
    const sessionId = randomUUID();
    let modelAsked!: () => void;
    const asked = new Promise<void>((resolve) => (modelAsked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    llm.script(async () => {
      modelAsked();
      await released;
      return { intent: 'list_teams' };
    }, { intent: 'done_for_now', message: 'should never be asked' });
    const threadId = await start(sessionId);
    const run = c.worker.drain();
    await asked;
    const outcome = await outcomeOf(await post(prompted(sessionId, ALEX, { signal: 'stop' })));
    expect(outcome).toMatchObject({ kind: 'resumed', threadId, meaning: 'stopped' });
    release();
    await run;
    expect(llm.requests).toHaveLength(1);
    expect(llm.remaining()).toBe(1);
    const events = (await c.store.load(threadId))?.events ?? [];
    expect(events.some((e) => e.type === 'thread_stopped')).toBe(true);
    expect(events.some((e) => e.type === 'step_decided')).toBe(false);
    expect((await c.store.list({ status: 'done' })).threads.map((t) => t.id)).toContain(threadId);
    expect(linear.activities.bySession(sessionId).at(-1)?.content).toEqual({ type: 'response', body: STOPPED_RESPONSE });
  });

  it('posts an error when a guard escalates the thread to a person', async () => {
    const sessionId = randomUUID();
    llm.script('not a step', 'still not a step');
    const threadId = await start(sessionId);
    await c.worker.drain();
    const events = (await c.store.load(threadId))?.events ?? [];
    expect(events.filter((e) => e.type !== 'message_sent').at(-1)?.type).toBe('escalated');
    expect(types(sessionId)).toEqual(['thought', 'error']);
    expect(String(linear.activities.bySession(sessionId).at(-1)?.content.body)).toContain('I need a person to take over');
  });

  it('posts an action that could not be posted while the thread ran when the thread pauses, once', async () => {
    const sessionId = randomUUID();
    llm.script({ intent: 'list_teams' }, { intent: 'done_for_now', message: 'Two teams.' });
    await start(sessionId);
    await linear.activities.when((a) => a.agentSessionId === sessionId && a.content.type === 'thought');
    // Every attempt of the live post fails (the first and its three retries); the post at the pause goes through.
    for (let i = 0; i < 4; i++) linear.faults.next({ kind: 'status', status: 503, operation: 'AgentActivityCreate' });
    await c.worker.drain();
    expect(types(sessionId)).toEqual(['thought', 'action', 'response']);
    expect(linear.requests.filter((r) => r.operationName === 'AgentActivityCreate' && r.status === 503)).toHaveLength(4);
  });

  it('a first thought Linear refused at the start is posted before the first action once the thread runs, once', async () => {
    const sessionId = randomUUID();
    const mark = linear.requests.length;
    // Linear is down for the thought right after the webhook (its first attempt and three retries)...
    for (let i = 0; i < 4; i++) linear.faults.next({ kind: 'status', status: 503, operation: 'AgentActivityCreate' });
    llm.script({ intent: 'list_teams' }, { intent: 'request_more_information', message: 'Which of these teams?' });
    const threadId = await start(sessionId);
    await c.worker.drain();
    // ...and back by the time the thread runs: the thought comes first, then the rest, each shown once.
    expect(types(sessionId)).toEqual(['thought', 'action', 'elicitation']);
    expect(linear.requests.slice(mark).filter((r) => r.operationName === 'AgentActivityCreate' && r.status === 503)).toHaveLength(4);
    const events = (await c.store.load(threadId))?.events ?? [];
    const thought = linear.activities.bySession(sessionId)[0];
    expect(events.filter((e) => e.type === 'message_sent' && e.data.messageId === thought?.id)).toHaveLength(1);
    // The next pause posts no thought again: it is recorded.
    await post(prompted(sessionId, ALEX, { body: 'Operations' }));
    llm.script({ intent: 'done_for_now', message: 'Operations then.' });
    await c.worker.drain();
    expect(types(sessionId)).toEqual(['thought', 'action', 'elicitation', 'response']);
  });

  it('retries an activity whose answer was lost with the same id: Linear shows it once', async () => {
    const sessionId = randomUUID();
    linear.faults.next({ kind: 'lose-response', operation: 'AgentActivityCreate' });
    llm.script({ intent: 'done_for_now', message: 'Done.' });
    const creates = linear.requests.filter((r) => r.operationName === 'AgentActivityCreate').length;
    await start(sessionId);
    await c.worker.drain();
    expect(types(sessionId)).toEqual(['thought', 'response']);
    const attempts = linear.requests.slice().filter((r) => r.operationName === 'AgentActivityCreate').length - creates;
    // thought: the lost create and its retry (refused as a duplicate id, then found); response: one create.
    expect(attempts).toBe(3);
    expect(linear.requests.some((r) => r.operationName === 'AgentActivity')).toBe(true);
    expect(linear.invalidRequests()).toEqual([]);
  });
});
