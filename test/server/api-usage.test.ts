// GET /v1/threads/:id shows what each model step used and cost, and the thread's totals, from both providers' caches.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import { threadDetail } from '../../src/server/schemas.js';
import { openApiDocument } from '../../src/server/openapi.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';

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

async function runThread(env: Record<string, string>): Promise<ReturnType<typeof threadDetail.parse>> {
  c = await startStubContainer(llm, { API_TOKEN: TOKEN, ...env });
  llm.script(
    { content: { intent: 'list_teams' }, usage: { prompt_tokens: 2_000, cache_write_tokens: 1_500, completion_tokens: 10 } },
    { content: { intent: 'done_for_now', message: 'There are teams.' }, usage: { prompt_tokens: 2_400, cached_tokens: 1_500, completion_tokens: 12 } },
  );
  const launched = await c.app.request('/v1/threads', { method: 'POST', headers: auth, body: JSON.stringify({ message: 'what teams are there?' }) });
  const { thread_id } = (await launched.json()) as { thread_id: string };
  await c.worker.drain();
  const res = await c.app.request(`/v1/threads/${thread_id}`, { headers: auth });
  expect(res.status).toBe(200);
  // Parsed with the schema the OpenAPI document is made from: the API says what it sends.
  return threadDetail.parse(await res.json());
}

describe('GET /v1/threads/:id usage', () => {
  it('Anthropic: per step cached-read and cache-write tokens and cost, and the totals', async () => {
    const thread = await runThread({ LLM_PROVIDER: 'anthropic', LLM_API_KEY: 'sk-ant-test', LLM_MODEL: 'claude-sonnet-4-5' });
    expect(thread.status).toBe('done');
    expect(llm.requests.every((r) => r.api === 'anthropic')).toBe(true);
    expect(thread.usage.steps).toMatchObject([
      { seq: 2, model: 'claude-sonnet-4-5', input_tokens: 2_000, cached_input_tokens: 0, cache_write_tokens: 1_500, output_tokens: 10 },
      { seq: 4, model: 'claude-sonnet-4-5', input_tokens: 2_400, cached_input_tokens: 1_500, cache_write_tokens: 0, output_tokens: 12 },
    ]);
    // (500 × 3 + 1500 × 3.75 + 10 × 15) / 1e6 and (900 × 3 + 1500 × 0.3 + 12 × 15) / 1e6.
    expect(thread.usage.steps.map((s) => s.cost_usd)).toEqual([0.007275, 0.00333]);
    expect(thread.usage.total).toEqual({ steps: 2, input_tokens: 4_400, cached_input_tokens: 1_500, cache_write_tokens: 1_500, output_tokens: 22, cost_usd: 0.010605 });
    const decided = thread.events.filter((e) => e.type === 'step_decided');
    expect(decided[1]?.data.usage).toMatchObject({ cachedInputTokens: 1_500, cacheWriteTokens: 0, costUsd: 0.00333 });
  });

  it('OpenAI-compatible with no price: cached tokens counted, cost null per step and in total', async () => {
    const thread = await runThread({});
    expect(thread.usage.steps.map((s) => [s.cached_input_tokens, s.cache_write_tokens, s.cost_usd])).toEqual([
      [null, null, null],
      [1_500, null, null],
    ]);
    expect(thread.usage.total).toMatchObject({ steps: 2, input_tokens: 4_400, cached_input_tokens: 1_500, cost_usd: null });
  });

  it('the OpenAPI document describes the usage', () => {
    const detail = JSON.stringify(openApiDocument());
    for (const field of ['cached_input_tokens', 'cache_write_tokens', 'cost_usd']) expect(detail).toContain(field);
  });
});
