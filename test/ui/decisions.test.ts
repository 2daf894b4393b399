// Decisions from the thread page, through the one intake on a real port: approve and deny the exact pending
// operation, answer a question, retry a failed thread; a stale decision changes nothing; the approver rule of the
// ui channel applies; foreign-origin POSTs are refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container, ContainerOverrides } from '../../src/app/container.js';
import type { NewEvent } from '../../src/core/events.js';
import { randomIds, type ThreadId } from '../../src/core/ids.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { serveInspector, sessionCookie, unescapeHtml, type Served } from './inspector-http.js';

const TOKEN = 'ui-test-token-0123456789abcdef';
let llm: StubLlm;
let c: Container | undefined;
let web: Served | undefined;
let cookie = '';

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  await web?.close();
  await c?.close();
  web = undefined;
  c = undefined;
});

async function start(overrides: ContainerOverrides = {}): Promise<Served> {
  c = await startStubContainer(llm, { API_TOKEN: TOKEN }, overrides);
  web = await serveInspector(c);
  cookie = sessionCookie(await web.post('/ui/login', { token: TOKEN, next: '/ui' }));
  return web;
}

const message = (text: string): NewEvent => ({
  id: randomIds.eventId(),
  at: new Date().toISOString(),
  type: 'message_received',
  data: { channel: 'email', from: 'alex@company.com', text },
});

async function launch(events: NewEvent[]): Promise<ThreadId> {
  const id = randomIds.threadId();
  await c!.store.create({ id, agent: 'linear-assistant', events });
  return id;
}

const eventsOf = async (id: ThreadId) => (await c!.store.load(id))!.events;
const statusOf = async (id: ThreadId) => (await c!.store.list({ id, limit: 1 })).threads[0]?.status;

/** A thread paused on the approval of closing an issue of the seeded workspace. */
async function pendingClose(): Promise<{ id: ThreadId; identifier: string }> {
  const team = (await c!.linear.listTeams())[0];
  const issue = (await c!.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
  if (!team || !issue) throw new Error('seed workspace has no team or issue');
  const done = (await c!.linear.listWorkflowStates({ teamId: team.id })).find((s) => s.type === 'completed');
  llm.script(
    { intent: 'update_issue', issue_ids: [issue.identifier], changes: { state_id: done?.id ?? 'Done' } },
    { intent: 'done_for_now', message: `Closed ${issue.identifier}.` },
  );
  const id = await launch([message(`close ${issue.identifier}`)]);
  await c!.worker.drain();
  expect(await statusOf(id)).toBe('awaiting_approval');
  return { id, identifier: issue.identifier };
}

describe('approve and deny from the thread page', () => {
  it('shows the exact operation summary; approving redirects back, records the ui decision, and the thread continues', async () => {
    const w = await start();
    const { id, identifier } = await pendingClose();
    const request = (await eventsOf(id)).find((e) => e.type === 'approval_requested');
    if (request?.type !== 'approval_requested') throw new Error('no approval requested');
    const page = await w.get(`/ui/threads/${id}`, { cookie });
    expect(unescapeHtml(page.body)).toContain(`<pre class="operation">${request.data.summary}</pre>`);
    expect(page.body).toContain(`name="callId" value="${request.data.callId}"`);
    expect(page.body).toContain('<label for="reason">');

    const res = await w.post(`/ui/threads/${id}/decision`, { decision: 'approve', reason: 'go ahead', callId: request.data.callId }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/ui/threads/${id}?notice=approved`);
    const granted = (await eventsOf(id)).filter((e) => e.type === 'approval_granted');
    expect(granted.map((e) => e.data)).toEqual([{ by: 'ui', channel: 'ui', callId: request.data.callId, comment: 'go ahead' }]);
    await c!.worker.drain();
    expect(await statusOf(id)).toBe('done');
    expect((await c!.linear.getIssue(identifier)).state.type).toBe('completed');
    const after = await w.get(res.headers.location as string, { cookie });
    expect(after.body).toContain('data-notice="approved"');
    expect(after.body).not.toContain('<pre class="operation">');
  });

  it('a stale decision (already decided) shows a clear message and changes nothing', async () => {
    const w = await start();
    const { id } = await pendingClose();
    const request = (await eventsOf(id)).find((e) => e.type === 'approval_requested');
    if (request?.type !== 'approval_requested') throw new Error('no approval requested');
    const form = { decision: 'approve', reason: '', callId: request.data.callId };
    expect((await w.post(`/ui/threads/${id}/decision`, form, { cookie })).headers.location).toBe(`/ui/threads/${id}?notice=approved`);
    const before = await eventsOf(id);
    // The same form again (a second tab, a double click), and a deny of the same call.
    const again = await w.post(`/ui/threads/${id}/decision`, form, { cookie });
    const deny = await w.post(`/ui/threads/${id}/decision`, { ...form, decision: 'deny' }, { cookie });
    for (const res of [again, deny]) {
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/ui/threads/${id}?notice=stale`);
    }
    expect(await eventsOf(id)).toEqual(before);
    const page = await w.get(`/ui/threads/${id}?notice=stale`, { cookie });
    expect(page.body).toContain('Nothing changed: this was already decided');
  });

  it('deny with a reason records it for the agent, and the issue is left alone', async () => {
    const w = await start();
    const { id, identifier } = await pendingClose();
    const request = (await eventsOf(id)).find((e) => e.type === 'approval_requested');
    if (request?.type !== 'approval_requested') throw new Error('no approval requested');
    const res = await w.post(`/ui/threads/${id}/decision`, { decision: 'deny', reason: 'not this one', callId: request.data.callId }, { cookie });
    expect(res.headers.location).toBe(`/ui/threads/${id}?notice=denied`);
    const denied = (await eventsOf(id)).filter((e) => e.type === 'approval_denied');
    expect(denied.map((e) => e.data)).toEqual([{ by: 'ui', channel: 'ui', callId: request.data.callId, reason: 'not this one' }]);
    await c!.worker.drain();
    expect(llm.requests[1]?.prompt).toContain('not this one');
    expect((await c!.linear.getIssue(identifier)).state.type).not.toBe('completed');
  });

  it('when the approver rule for ui refuses the operator, the page says why and the words are only feedback', async () => {
    const w = await start({ approvers: { ui: () => false } });
    const { id } = await pendingClose();
    const res = await w.post(`/ui/threads/${id}/decision`, { decision: 'approve', reason: '' }, { cookie });
    expect(res.headers.location).toBe(`/ui/threads/${id}?notice=not_an_approver`);
    const events = await eventsOf(id);
    expect(events.some((e) => e.type === 'approval_granted')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'human_replied', data: { channel: 'ui', message: 'approve' } });
    const page = await w.get(res.headers.location as string, { cookie });
    expect(page.body).toContain('the approver rule for the ui channel does not count you as an approver');
  });

  it('a decision POST from a foreign origin is refused and records nothing', async () => {
    const w = await start();
    const { id } = await pendingClose();
    const before = await eventsOf(id);
    const res = await w.post(`/ui/threads/${id}/decision`, { decision: 'approve' }, { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(await eventsOf(id)).toEqual(before);
  });
});

describe('answer and retry from the thread page', () => {
  it('answers the agent’s question through the intake; a second submit of the same answer form is stale', async () => {
    const w = await start();
    llm.script({ intent: 'request_more_information', message: 'Which team should own it?' }, { intent: 'done_for_now', message: 'Filed it.' });
    const id = await launch([message('please file a fridge issue')]);
    await c!.worker.drain();
    expect(await statusOf(id)).toBe('awaiting_human');
    const page = await w.get(`/ui/threads/${id}`, { cookie });
    expect(page.body).toContain('Which team should own it?');
    expect(page.body).toContain('<label for="answer">');

    const question = /name="question" value="(\d+)"/.exec(page.body)?.[1] ?? '';
    const res = await w.post(`/ui/threads/${id}/answer`, { answer: 'Operations', question }, { cookie });
    expect(res.headers.location).toBe(`/ui/threads/${id}?notice=answered`);
    expect((await eventsOf(id)).at(-1)).toMatchObject({ type: 'human_replied', data: { channel: 'ui', message: 'Operations' } });
    const again = await w.post(`/ui/threads/${id}/answer`, { answer: 'Operations', question }, { cookie });
    expect(again.headers.location).toBe(`/ui/threads/${id}?notice=stale`);
    expect((await eventsOf(id)).filter((e) => e.type === 'human_replied')).toHaveLength(1);
    await c!.worker.drain();
    expect(await statusOf(id)).toBe('done');
    expect(llm.requests[1]?.prompt).toContain('Operations');
  });

  it('retries a failed thread; retrying one that is not failed is stale', async () => {
    const w = await start();
    llm.script({ intent: 'done_for_now', message: 'Done this time.' });
    const failed: NewEvent = { id: randomIds.eventId(), at: new Date().toISOString(), type: 'thread_failed', data: { reason: 'the model was unreachable' } };
    const id = await launch([message('restock the fridges'), failed]);
    const page = await w.get(`/ui/threads/${id}`, { cookie });
    expect(page.body).toContain('<button type="submit">Retry the thread</button>');
    const res = await w.post(`/ui/threads/${id}/retry`, {}, { cookie });
    expect(res.headers.location).toBe(`/ui/threads/${id}?notice=retried`);
    expect((await eventsOf(id)).at(-1)).toMatchObject({ type: 'retry_requested', data: { by: 'ui', channel: 'ui' } });
    expect((await w.post(`/ui/threads/${id}/retry`, {}, { cookie })).headers.location).toBe(`/ui/threads/${id}?notice=stale`);
    await c!.worker.drain();
    expect(await statusOf(id)).toBe('done');
  });
});
