// A human can always try a failed or escalated thread again (`{ "type": "retry" }`): the real API, the real worker
// and the scripted model, and the thread resumes from its events.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import type { ThreadEvent } from '../../src/core/events.js';
import { threadPart } from '../loop/harness.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { startStubContainer } from '../support/stub-container.js';

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

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const post = (path: string, body: unknown) => c.app.request(path, { method: 'POST', headers, body: JSON.stringify(body) });

async function launch(): Promise<string> {
  const res = await post('/v1/threads', { message: 'make an issue for Austin to restock the fridges', from: 'alex@company.com' });
  expect(res.status).toBe(202);
  return ((await res.json()) as { thread_id: string }).thread_id;
}

async function thread(id: string): Promise<{ status: string; events: ThreadEvent[] }> {
  const res = await c.app.request(`/v1/threads/${id}`, { headers });
  return (await res.json()) as { status: string; events: ThreadEvent[] };
}

it('#9.5: a thread failed by a 401 is retried by a human through the API and then runs to completion', async () => {
  llm.script({ status: 401 }, { intent: 'done_for_now', message: 'Nothing to do after all.' });
  const id = await launch();
  await c.worker.drain();
  expect(llm.requests).toHaveLength(1);
  expect((await thread(id)).status).toBe('failed');

  const res = await post(`/v1/threads/${id}/responses`, { type: 'retry' });
  expect(res.status).toBe(202);
  expect((await thread(id)).status).toBe('ready');
  await c.worker.drain();

  const after = await thread(id);
  expect(after.status).toBe('done');
  expect(llm.requests).toHaveLength(2);
  expect(llm.remaining()).toBe(0);
  expect(after.events.find((e) => e.type === 'retry_requested')?.data).toEqual({ by: 'api', channel: 'api' });
  expect(threadPart(llm.requests[1]?.prompt ?? '')).toContain('<retry_requested>\n    by: api\n    message: try again\n</retry_requested>');
});

it('#9.5: a thread a guard escalated is retried through the API and continues', async () => {
  llm.script('nope', 'still not json', '{"intent": ', { intent: 'done_for_now', message: 'Here you go.' });
  const id = await launch();
  await c.worker.drain();
  const escalated = await thread(id);
  expect(escalated.status).toBe('awaiting_human');
  expect(escalated.events.at(-1)).toMatchObject({ type: 'escalated', data: { guard: 'consecutive_errors' } });

  expect((await post(`/v1/threads/${id}/responses`, { type: 'retry', by: 'alex@company.com' })).status).toBe(202);
  await c.worker.drain();
  const after = await thread(id);
  expect(after.status).toBe('done');
  expect(llm.requests).toHaveLength(4);
  expect(after.events.find((e) => e.type === 'retry_requested')?.data).toEqual({ by: 'alex@company.com', channel: 'api' });
});

it('#9.5: retrying a thread that has not failed or been escalated is 409 invalid_state with a clear message', async () => {
  llm.script({ intent: 'request_more_information', message: 'Which team?' });
  const id = await launch();
  expect((await post(`/v1/threads/${id}/responses`, { type: 'retry' })).status).toBe(409);
  await c.worker.drain();
  const res = await post(`/v1/threads/${id}/responses`, { type: 'retry' });
  expect(res.status).toBe(409);
  expect(await res.json()).toEqual({
    error: { code: 'invalid_state', message: `thread ${id} is awaiting_human; only a failed thread or one escalated to a human can be retried`, retry: false },
  });
  expect((await post(`/v1/threads/${id}/responses`, { type: 'retry', extra: 1 })).status).toBe(400);
});
