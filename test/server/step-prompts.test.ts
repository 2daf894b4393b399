// GET /v1/threads/:id/steps/:seq/prompt serves the exact request body each model step sent, stored as a delta.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import type { ThreadEvent } from '../../src/core/events.js';
import { stepPrompt } from '../../src/server/schemas.js';
import { openApiDocument } from '../../src/server/openapi.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { SEED_REQUEST, seedRecoveryReplies } from '../support/seed-recovery.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let llm: StubLlm;
let c: Container | undefined;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const modelSteps = (events: readonly ThreadEvent[]): ThreadEvent[] =>
  events.filter((e) => (e.type === 'step_decided' && e.data.origin === 'model') || e.type === 'step_rejected');

/** The seed's recovery scenario: a bad team id, list_teams, the right create, done — four model steps. */
async function seedScenario(): Promise<{ threadId: string; steps: ThreadEvent[] }> {
  c = await startStubContainer(llm, { API_TOKEN: TOKEN });
  llm.script(...seedRecoveryReplies());
  const message = SEED_REQUEST;
  const launched = await c.app.request('/v1/threads', { method: 'POST', headers: auth, body: JSON.stringify({ message }) });
  const { thread_id } = (await launched.json()) as { thread_id: string };
  await c.worker.drain();
  const thread = await c.service.load(thread_id as never);
  return { threadId: thread_id, steps: modelSteps(thread.events) };
}

async function promptOf(threadId: string, seq: number): Promise<ReturnType<typeof stepPrompt.parse>> {
  const res = await c!.app.request(`/v1/threads/${threadId}/steps/${seq}/prompt`, { headers: auth });
  expect(res.status).toBe(200);
  return stepPrompt.parse(await res.json());
}

describe('GET /v1/threads/:id/steps/:seq/prompt', () => {
  it('serves step 3’s prompt byte for byte as the scripted model received its third call, with its sha256', async () => {
    const { threadId, steps } = await seedScenario();
    expect(steps).toHaveLength(4);
    expect(llm.requests).toHaveLength(4);
    const third = steps[2]!;
    const served = await promptOf(threadId, third.seq);
    const received = llm.requests[2]!.rawBody;
    expect(Buffer.from(served.body, 'utf8').equals(Buffer.from(received, 'utf8'))).toBe(true);
    expect(served.sha256).toBe(createHash('sha256').update(received, 'utf8').digest('hex'));
    // The event carries the hash only, never the body.
    expect(third.type === 'step_decided' && third.data.usage?.promptSha256).toBe(served.sha256);
    expect(JSON.stringify(third.data)).not.toContain(received.slice(0, 200));
  });

  it('every step is a delta on the one before: shared prefix and previous seq, and far fewer bytes than whole prompts', async () => {
    const { threadId, steps } = await seedScenario();
    const served = [];
    for (const step of steps) served.push(await promptOf(threadId, step.seq));
    served.forEach((p, i) => expect(p.body).toBe(llm.requests[i]!.rawBody));
    expect(served[0]).toMatchObject({ shared_prefix_length: 0, previous_seq: null });
    for (let i = 1; i < served.length; i++) {
      const [before, now] = [served[i - 1]!, served[i]!];
      expect(now.previous_seq).toBe(before.seq);
      expect(now.body.slice(0, now.shared_prefix_length)).toBe(before.body.slice(0, now.shared_prefix_length));
      expect(now.body[now.shared_prefix_length]).not.toBe(before.body[now.shared_prefix_length]);
    }
    const whole = served.reduce((n, p) => n + Buffer.byteLength(p.body), 0);
    const tails = served.reduce((n, p) => n + Buffer.byteLength(p.body.slice(p.shared_prefix_length)), 0);
    // Reported: bytes of prompt text stored per step, against storing each prompt whole.
    const perStep = served.map((p) => `${Buffer.byteLength(p.body)}→${Buffer.byteLength(p.body.slice(p.shared_prefix_length))}`).join(', ');
    console.info(`seed scenario: ${served.length} steps, whole prompts ${whole} B (${Math.round(whole / served.length)} B/step), deltas ${tails} B (${Math.round(tails / served.length)} B/step); per step whole→stored: ${perStep}`);
    expect(tails).toBeLessThan(whole / 2);
  });

  it('a rejected step’s prompt is stored too: the reply that was no step, and what it was answering', async () => {
    c = await startStubContainer(llm, { API_TOKEN: TOKEN });
    llm.script('I think you should make an issue.', { intent: 'done_for_now', message: 'ok' });
    const launched = await c.app.request('/v1/threads', { method: 'POST', headers: auth, body: JSON.stringify({ message: 'make an issue' }) });
    const { thread_id } = (await launched.json()) as { thread_id: string };
    await c.worker.drain();
    const steps = modelSteps((await c.service.load(thread_id as never)).events);
    expect(steps.map((e) => e.type)).toEqual(['step_rejected', 'step_decided']);
    const rejected = await promptOf(thread_id, steps[0]!.seq);
    expect(rejected.body).toBe(llm.requests[0]!.rawBody);
    expect(steps[0]!.type === 'step_rejected' && steps[0]!.data.usage?.promptSha256).toBe(rejected.sha256);
    expect((await promptOf(thread_id, steps[1]!.seq)).body).toBe(llm.requests[1]!.rawBody);
  });

  it('is 404 for a step that sent no prompt, 400 for a bad seq, 401 without the token, and listed in the OpenAPI document', async () => {
    const { threadId } = await seedScenario();
    expect((await c!.app.request(`/v1/threads/${threadId}/steps/1/prompt`, { headers: auth })).status).toBe(404);
    expect((await c!.app.request(`/v1/threads/${threadId}/steps/x/prompt`, { headers: auth })).status).toBe(400);
    expect((await c!.app.request(`/v1/threads/${threadId}/steps/3/prompt`)).status).toBe(401);
    expect(Object.keys(openApiDocument().paths as object)).toContain('/v1/threads/{id}/steps/{seq}/prompt');
  });
});
