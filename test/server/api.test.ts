import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { startStubContainer } from '../support/stub-container.js';
import { THREAD_HEAD, threadPart } from '../loop/harness.js';

const TOKEN = 'test-token-0123456789abcdef';
let llm: StubLlm;
let c: Container;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
beforeEach(async () => {
  c = await startStubContainer(llm, { API_TOKEN: TOKEN });
});
afterEach(async () => c.close());

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
  c.app.request(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const get = (path: string, headers: Record<string, string> = auth) => c.app.request(path, { headers });

async function launch(message = 'make an issue for Austin to restock the fridges'): Promise<string> {
  const res = await post('/v1/threads', { message, from: 'alex@company.com' });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { thread_id: string };
  return body.thread_id;
}

async function status(id: string): Promise<string> {
  const res = await get(`/v1/threads/${id}`);
  return ((await res.json()) as { status: string }).status;
}

describe('POST /v1/threads (launch)', () => {
  it('202 with a thread id; the worker runs it to done', async () => {
    llm.script({ intent: 'done_for_now', message: 'Nothing to do.' });
    const id = await launch();
    expect(id).toMatch(/^thr_/);
    expect(await status(id)).toBe('ready');
    await c.worker.drain();
    expect(await status(id)).toBe('done');
  });

  it('401 without or with a bad token', async () => {
    expect((await post('/v1/threads', { message: 'x' }, { 'content-type': 'application/json' })).status).toBe(401);
    const res = await post('/v1/threads', { message: 'x' }, { ...auth, authorization: 'Bearer wrong-token-0123456789abcd' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or bad bearer token', retry: false } });
  });

  it('400 with a precise message for malformed bodies', async () => {
    const notJson = await post('/v1/threads', '{"message": ');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/JSON/);
    const missing = await post('/v1/threads', { from: 'a@b.c' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/^message: /);
    const extra = await post('/v1/threads', { message: 'x', admin: true });
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { error: { message: string } }).error.message).toMatch(/admin/);
    expect((await post('/v1/threads', { message: 'x', agent: 'nope' })).status).toBe(400);
  });

  it('413 over the size limit', async () => {
    const res = await post('/v1/threads', { message: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });
});

describe('GET /v1/threads', () => {
  it('lists with a status filter and pages with a cursor', async () => {
    llm.script({ intent: 'done_for_now', message: 'a' }, { intent: 'done_for_now', message: 'b' }, { intent: 'request_more_information', message: 'which?' });
    const ids = [await launch('one'), await launch('two'), await launch('three')];
    await c.worker.drain();
    const done = (await (await get('/v1/threads?status=done')).json()) as { threads: Array<{ id: string; status: string }> };
    expect(done.threads).toHaveLength(2);
    expect(done.threads.every((t) => t.status === 'done')).toBe(true);
    const first = (await (await get('/v1/threads?limit=2')).json()) as { threads: Array<{ id: string }>; next_cursor?: string };
    expect(first.threads).toHaveLength(2);
    expect(first.next_cursor).toBeDefined();
    const second = (await (await get(`/v1/threads?limit=2&cursor=${first.next_cursor ?? ''}`)).json()) as { threads: Array<{ id: string }>; next_cursor?: string };
    expect(second.threads).toHaveLength(1);
    expect(second.next_cursor).toBeUndefined();
    expect(new Set([...first.threads, ...second.threads].map((t) => t.id))).toEqual(new Set(ids));
  });

  it('400 for a bad status or cursor', async () => {
    expect((await get('/v1/threads?status=sleeping')).status).toBe(400);
    expect((await get('/v1/threads?cursor=%%%')).status).toBe(400);
  });
});

describe('GET /v1/threads/:id and /context', () => {
  it('returns typed events, and the exact text the model saw at each step', async () => {
    llm.script({ intent: 'list_teams' }, { intent: 'done_for_now', message: 'There are teams.' });
    const id = await launch('what teams are there?');
    await c.worker.drain();
    const thread = (await (await get(`/v1/threads/${id}`)).json()) as { status: string; events: Array<{ type: string; seq: number }> };
    expect(thread.status).toBe('done');
    expect(thread.events.map((e) => e.type)).toEqual(['message_received', 'step_decided', 'tool_succeeded', 'step_decided']);
    const ctx = (await (await get(`/v1/threads/${id}/context`)).json()) as { steps: Array<{ before_seq: number; context: string; tokens: number }> };
    expect(ctx.steps.map((s) => s.before_seq)).toEqual([2, 4]);
    expect(ctx.steps.map((s) => s.context)).toEqual(llm.requests.map((r) => threadPart(r.prompt).replace(THREAD_HEAD, '').trim()));
    expect(ctx.steps[1]?.tokens).toBeGreaterThan(ctx.steps[0]?.tokens ?? Infinity);
  });

  it('404 for an unknown or malformed id', async () => {
    expect((await get('/v1/threads/thr_doesnotexist')).status).toBe(404);
    expect((await get('/v1/threads/not-an-id/context')).status).toBe(404);
  });
});

describe('POST /v1/threads/:id/responses (resume)', () => {
  it('resumes a thread waiting for a human with the answer', async () => {
    llm.script({ intent: 'request_more_information', message: 'Which team?' }, { intent: 'done_for_now', message: 'ok' });
    const id = await launch();
    await c.worker.drain();
    expect(await status(id)).toBe('awaiting_human');
    const res = await post(`/v1/threads/${id}/responses`, { type: 'response', message: 'Operations' });
    expect(res.status).toBe(202);
    await c.worker.drain();
    expect(await status(id)).toBe('done');
    expect(threadPart(llm.requests[1]?.prompt ?? '')).toContain('<human_response>\n    message: Operations\n</human_response>');
  });

  it('409 when the thread is not waiting for that kind of answer; 404 unknown; 400 malformed', async () => {
    llm.script({ intent: 'request_more_information', message: 'Which team?' });
    const id = await launch();
    await c.worker.drain();
    const approval = await post(`/v1/threads/${id}/responses`, { type: 'approval', approved: true });
    expect(approval.status).toBe(409);
    expect(((await approval.json()) as { error: { code: string } }).error.code).toBe('invalid_state');
    expect((await post('/v1/threads/thr_nope/responses', { type: 'response', message: 'x' })).status).toBe(404);
    expect((await post(`/v1/threads/${id}/responses`, { type: 'maybe' })).status).toBe(400);
    expect((await post(`/v1/threads/${id}/responses`, { type: 'approval' })).status).toBe(400);
  });

  it('end to end: the model asks for approval, it is approved via the API, the tool runs, done', async () => {
    const team = (await c.linear.listTeams())[0];
    const issue = (await c.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
    if (!team || !issue) throw new Error('seed workspace has no team or issue');
    const done = (await c.linear.listWorkflowStates({ teamId: team.id })).find((s) => s.type === 'completed');
    llm.script(
      { intent: 'update_issue', issue_ids: [issue.identifier], changes: { state_id: done?.id ?? 'Done' } },
      { intent: 'done_for_now', message: `Closed ${issue.identifier}.` },
    );
    const id = await launch(`close ${issue.identifier}`);
    await c.worker.drain();
    expect(await status(id)).toBe('awaiting_approval');
    expect((await c.linear.getIssue(issue.identifier)).state.type).not.toBe('completed');
    expect((await post(`/v1/threads/${id}/responses`, { type: 'response', message: 'ok' })).status).toBe(409);
    expect((await post(`/v1/threads/${id}/responses`, { type: 'approval', approved: true, comment: 'go', by: 'alex@company.com' })).status).toBe(202);
    await c.worker.drain();
    expect(await status(id)).toBe('done');
    expect((await c.linear.getIssue(issue.identifier)).state.type).toBe('completed');
  });
});

describe('#10.1: the API through the one intake', () => {
  it('the same Idempotency-Key launches one thread, however often it is sent', async () => {
    const send = () => post('/v1/threads', { message: 'restock the fridges', from: 'alex@company.com' }, { ...auth, 'idempotency-key': 'launch-1' });
    const first = (await (await send()).json()) as { thread_id: string };
    const again = await send();
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(first);
    expect((await c.store.list()).threads.map((t) => t.id)).toEqual([first.thread_id]);
  });

  it('a message while an approval is pending is feedback (202: the step is dropped), where a response is 409', async () => {
    const team = (await c.linear.listTeams())[0];
    const issue = (await c.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
    if (!team || !issue) throw new Error('seed workspace has no team or issue');
    const done = (await c.linear.listWorkflowStates({ teamId: team.id })).find((s) => s.type === 'completed');
    llm.script({ intent: 'update_issue', issue_ids: [issue.identifier], changes: { state_id: done?.id ?? 'Done' } }, { intent: 'done_for_now', message: 'Left it open.' });
    const id = await launch(`close ${issue.identifier}`);
    await c.worker.drain();
    expect(await status(id)).toBe('awaiting_approval');
    expect((await post(`/v1/threads/${id}/responses`, { type: 'response', message: 'leave it' })).status).toBe(409);
    const res = await post(`/v1/threads/${id}/responses`, { type: 'message', message: 'leave it', from: 'alex@company.com' }, { ...auth, 'idempotency-key': 'fb-1' });
    expect(res.status).toBe(202);
    expect((await post(`/v1/threads/${id}/responses`, { type: 'message', message: 'leave it', from: 'alex@company.com' }, { ...auth, 'idempotency-key': 'fb-1' })).status).toBe(202);
    const events = ((await (await get(`/v1/threads/${id}`)).json()) as { events: Array<{ type: string; data: Record<string, unknown> }> }).events;
    expect(events.filter((e) => e.type === 'human_replied').map((e) => e.data)).toEqual([{ from: 'alex@company.com', channel: 'api', message: 'leave it' }]);
    await c.worker.drain();
    expect(await status(id)).toBe('done');
    expect(llm.requests[1]?.prompt).toContain('message: leave it');
    expect((await c.linear.getIssue(issue.identifier)).state.type).not.toBe('completed');
  });
});

describe('health and OpenAPI', () => {
  it('GET /healthz reports store, model and Linear', async () => {
    const res = await get('/healthz', {});
    const body = (await res.json()) as { ok: boolean; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(Object.keys(body.checks).sort()).toEqual(['linear', 'model', 'store']);
    expect(body.ok).toBe(true);
  });

  it('GET /openapi.json documents every /v1 route from the zod schemas', async () => {
    const doc = (await (await get('/openapi.json', {})).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).sort()).toEqual(['/v1/threads', '/v1/threads/{id}', '/v1/threads/{id}/context', '/v1/threads/{id}/divergence', '/v1/threads/{id}/replay', '/v1/threads/{id}/responses', '/v1/threads/{id}/steps/{seq}/prompt']);
    expect(JSON.stringify(doc.paths['/v1/threads']?.post)).toContain('"message"');
  });

  it('unknown routes get a JSON 404', async () => {
    expect((await get('/nope')).status).toBe(404);
  });
});
