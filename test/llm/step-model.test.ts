// The LLM boundary against the scripted model server, through the real BAML runtime: which faults are retried, how
// long it waits (Retry-After, backoff, the step's budget), and what reason a failure keeps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import type { ModelOutcome } from '../../src/core/agent.js';
import type { LlmConfig } from '../../src/llm/config.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { freePort } from '../support/free-port.js';

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterEach(() => {
  expect(llm.scriptErrors).toEqual([]);
  llm.reset();
});
afterAll(async () => llm.close());

/** Time that passes only when the step model sleeps; every wait is recorded. */
function fakeTime(start = Date.UTC(2026, 11, 1, 12, 0, 0)) {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
}

function model(time: ReturnType<typeof fakeTime>, config: Partial<LlmConfig> = {}) {
  return linearAssistantModel(
    { provider: 'openai-compatible', model: 'stub', baseUrl: llm.baseUrl, apiKey: 'test', timeoutMs: 10_000, maxRetries: 3, stepTimeoutMs: 120_000, ...config },
    { sleep: time.sleep, now: time.now, random: () => 0.5 },
  );
}

const step = (context = 'what teams are there?') => (m: ReturnType<typeof model>) => m(context, new AbortController().signal);
const ask = step();

const emptyChoices = JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'stub', choices: [], usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } });
const htmlPage = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
const html = { 'content-type': 'text/html' };

describe('#9.5 transient-looking model faults are retried with backoff, permanent ones are not', () => {
  it('#9.5a: a 200 with empty choices, an HTML page (200 and 502) and broken JSON are each retried, then the step succeeds', async () => {
    const time = fakeTime();
    llm.script(
      { rawBody: emptyChoices },
      { rawBody: htmlPage, headers: html },
      { rawBody: htmlPage, status: 502, headers: html },
      { intent: 'list_teams' },
    );
    expect(await ask(model(time))).toMatchObject({ kind: 'step', value: { intent: 'list_teams' } });
    expect(llm.requests).toHaveLength(4);
    // The shared backoff: attempt n waits between half and all of 500 ms · 2^n (random 0.5 → three quarters).
    expect(time.waits).toEqual([375, 750, 1500]);

    llm.reset();
    llm.script({ rawBody: '{"id":"x","choices":[{"index":0,"message":{"role":"assist' }, { intent: 'list_teams' });
    expect(await ask(model(fakeTime()))).toMatchObject({ kind: 'step' });
    expect(llm.requests).toHaveLength(2);
  });

  it('#9.5b: when they persist, the step reports unavailable, retryable, with a clear reason, after LLM_MAX_RETRIES', async () => {
    const time = fakeTime();
    llm.script({ rawBody: htmlPage, headers: html }, { rawBody: htmlPage, headers: html }, { rawBody: htmlPage, headers: html });
    expect(await ask(model(time, { maxRetries: 2 }))).toEqual({
      kind: 'unavailable',
      reason: 'openai-compatible answered HTTP 200 with a reply that cannot be read: an HTML page instead of JSON (after 3 attempts)',
      retryable: true,
    });
    expect(llm.requests).toHaveLength(3);

    llm.reset();
    llm.script({ rawBody: emptyChoices }, { rawBody: emptyChoices });
    expect(await ask(model(fakeTime(), { maxRetries: 1 }))).toEqual({
      kind: 'unavailable',
      reason: 'openai-compatible answered HTTP 200 with a reply that cannot be read: Expected exactly one choices block, got 0 (after 2 attempts)',
      retryable: true,
    });

    llm.reset();
    llm.script({ rawBody: '{"id":"x","choi' });
    expect(await ask(model(fakeTime(), { maxRetries: 0 }))).toEqual({
      kind: 'unavailable',
      reason: 'openai-compatible answered HTTP 200 with a reply that cannot be read: Failed to parse JSON: EOF while parsing a string at line 1 column 15 (after 1 attempts)',
      retryable: true,
    });
  });

  it('#9.5c: HTTP 400, 401, 403 and 404 are not retried, and the reason keeps the provider’s message', async () => {
    const cases = [
      [400, { error: { message: 'max_tokens is too large', type: 'invalid_request_error' } }, 'openai-compatible HTTP 400: max_tokens is too large'],
      [401, undefined, 'openai-compatible HTTP 401: stub-llm: scripted 401, incorrect API key provided'],
      [403, { error: { message: 'Project does not have access to model stub', type: 'invalid_request_error' } }, 'openai-compatible HTTP 403: Project does not have access to model stub'],
      [404, undefined, 'openai-compatible HTTP 404: stub-llm: scripted 404, the model does not exist'],
    ] as const;
    for (const [status, body, reason] of cases) {
      llm.reset();
      const time = fakeTime();
      llm.script(body === undefined ? { status } : { status, body }, { intent: 'list_teams' });
      expect(await ask(model(time))).toEqual({ kind: 'unavailable', reason, retryable: false });
      expect(llm.requests).toHaveLength(1);
      expect(time.waits).toEqual([]);
    }
  });
});

describe('#9.6 Retry-After is honoured within the step’s budget (LLM path)', () => {
  it('#9.6a: `retry-after: 5` → the next attempt is made after exactly 5 s, not a burst of retries', async () => {
    const time = fakeTime();
    llm.script({ status: 429, headers: { 'retry-after': '5' } }, { intent: 'list_teams' });
    expect(await ask(model(time))).toMatchObject({ kind: 'step' });
    expect(time.waits).toEqual([5_000]);
    expect(llm.requests).toHaveLength(2);
  });

  it('#9.6b: an HTTP-date Retry-After waits until that time', async () => {
    const time = fakeTime();
    const at = new Date(time.now() + 7_000).toUTCString();
    llm.script({ status: 503, headers: { 'retry-after': at } }, { intent: 'list_teams' });
    expect(await ask(model(time))).toMatchObject({ kind: 'step' });
    expect(time.waits).toEqual([7_000]);
  });

  it('#9.6c: a wait beyond the step’s budget is not slept: unavailable at once, retryable, the wait in the reason', async () => {
    const time = fakeTime();
    llm.script({ status: 429, headers: { 'retry-after': '300' } }, { intent: 'list_teams' });
    const outcome: ModelOutcome = await ask(model(time, { stepTimeoutMs: 120_000 }));
    expect(outcome).toEqual({
      kind: 'unavailable',
      reason:
        "openai-compatible HTTP 429: stub-llm: scripted 429, rate limit reached for requests; the provider asked to wait 300 s, past the step's 120 s budget (120 s left)",
      retryable: true,
    });
    expect(time.waits).toEqual([]);
    expect(llm.requests).toHaveLength(1);
  });

  it('#9.6d: waits already spent count against the budget', async () => {
    const time = fakeTime();
    llm.script({ status: 429, headers: { 'retry-after': '50' } }, { status: 429, headers: { 'retry-after': '50' } }, { intent: 'list_teams' });
    const outcome = await ask(model(time, { stepTimeoutMs: 90_000 }));
    expect(outcome).toMatchObject({ kind: 'unavailable', retryable: true, reason: expect.stringContaining('asked to wait 50 s') });
    expect(time.waits).toEqual([50_000]);
    expect(llm.requests).toHaveLength(2);
  });
});

describe('#9.7 BAML’s own failures are classified by its error fields, with the root cause kept', () => {
  it('#9.7a: a reply BAML cannot read (usage without total_tokens) is not retried, and the reason names the missing field', async () => {
    const time = fakeTime();
    const noTotal = JSON.stringify({
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model: 'stub',
      choices: [{ index: 0, message: { role: 'assistant', content: '{"intent":"list_teams"}' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5 },
    });
    llm.script({ rawBody: noTotal }, { rawBody: noTotal });
    expect(await ask(model(time))).toEqual({
      kind: 'unavailable',
      reason: 'openai-compatible sent a reply BAML cannot read: missing field `total_tokens`',
      retryable: false,
    });
    expect(llm.requests).toHaveLength(1);
  });

  it('#9.7b: a refused connection is retried, and says so', async () => {
    const time = fakeTime();
    const port = await freePort();
    const outcome = await ask(model(time, { baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 2 }));
    expect(outcome).toEqual({
      kind: 'unavailable',
      reason: 'openai-compatible could not be reached: Connection refused (ConnectionRefused) (after 3 attempts)',
      retryable: true,
    });
    expect(time.waits).toHaveLength(2);
  });

  it('#9.7c: a connection closed before the reply (BAML’s internal code 2, not BadResponse) is retried', async () => {
    const time = fakeTime();
    llm.script({ hangUp: true }, { intent: 'list_teams' });
    expect(await ask(model(time))).toMatchObject({ kind: 'step' });
    expect(llm.requests).toHaveLength(2);
    expect(time.waits).toHaveLength(1);

    llm.reset();
    llm.script({ hangUp: true }, { hangUp: true });
    expect(await ask(model(fakeTime(), { maxRetries: 1 }))).toEqual({
      kind: 'unavailable',
      reason: 'openai-compatible did not answer: the connection closed before the reply was complete (after 2 attempts)',
      retryable: true,
    });
  });

  it('#9.7d: no reason carries BAML’s dump of the prompt', async () => {
    llm.script({ rawBody: htmlPage, headers: html });
    const outcome = await step('the secret plan is fridge restocking')(model(fakeTime(), { maxRetries: 0 }));
    expect(outcome.kind === 'unavailable' && outcome.reason).not.toMatch(/fridge|RenderedChatMessage|You are the Linear Assistant/);
  });
});
