// The stub model speaks OpenAI's chat-completions wire format well enough for fetch and for the real BAML runtime.
import {
  BamlAbortError,
  BamlClientFinishReasonError,
  BamlClientHttpError,
  BamlTimeoutError,
  BamlValidationError,
  ClientRegistry,
  Collector,
  toBamlError,
} from '@boundaryml/baml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { b } from '../baml_client/index.js';
import { startStubLlm, StubScriptError, type StubLlm, type StubReply } from './support/stub-llm.js';

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterEach(() => llm.reset());
afterAll(async () => {
  await llm.close();
});

const chat = (body: object, path = '/v1/chat/completions', init: RequestInit = {}) =>
  fetch(new URL(path, llm.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Restock the fridge, please.' },
];

const completionSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number(),
      message: z.object({ role: z.literal('assistant'), content: z.string() }),
      finish_reason: z.string(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }),
});
const chunkSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number(),
      delta: z.object({ role: z.string().optional(), content: z.string().optional() }),
      finish_reason: z.string().nullable(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).nullish(),
});
const errorSchema = z.object({ error: z.object({ message: z.string(), type: z.string() }) });

/** Splits an SSE body into its `data:` payloads, checking the framing on the way. */
function sseData(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return event.slice('data: '.length);
    });
}

describe('over plain HTTP', () => {
  it('answers a JSON step as a chat.completion with the request model echoed and estimated usage', async () => {
    llm.script({ intent: 'list_teams' });
    const res = await chat({ model: 'gpt-test', messages });
    expect(res.status).toBe(200);
    const body = completionSchema.parse(await res.json());
    expect(body.model).toBe('gpt-test');
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0]?.message.content).toBe('{"intent":"list_teams"}');
    expect(body.choices[0]?.finish_reason).toBe('stop');
    expect(body.usage.prompt_tokens).toBeGreaterThan(5);
    expect(body.usage.completion_tokens).toBeGreaterThan(3);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(llm.remaining()).toBe(0);
  });

  it('streams role first, the content in pieces, the finish reason, the usage when asked, then [DONE]', async () => {
    const content = 'Stock the fridge with sparkling water and juice, then close OPS-42. 🧃';
    llm.script(content);
    const res = await chat({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(await res.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => chunkSchema.parse(JSON.parse(d)));
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const pieces = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? ''));
    expect(pieces.filter((p) => p !== '').length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(content);
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('sends no usage chunk unless stream_options.include_usage is set', async () => {
    llm.script({ finishReason: 'length', content: 'cut sh' });
    const data = sseData(await (await chat({ messages, stream: true })).text());
    const chunks = data.slice(0, -1).map((d) => chunkSchema.parse(JSON.parse(d)));
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
  });

  it('records every request with its messages and prompt text, content parts included', async () => {
    llm.script('one', 'two');
    await chat({ messages, model: 'a' });
    await chat(
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'part A' }, { type: 'image_url' }, { type: 'text', text: 'part B' }] }], stream: true },
      '/chat/completions',
      { headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' } },
    );
    expect(llm.requests).toHaveLength(2);
    const [first, second] = llm.requests;
    expect(first?.prompt).toBe('You are terse.\nRestock the fridge, please.');
    expect(first?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(first).toMatchObject({ index: 0, model: 'a', stream: false, path: '/v1/chat/completions' });
    expect(first?.at).toBeInstanceOf(Date);
    expect(second).toMatchObject({ index: 1, prompt: 'part A\npart B', stream: true, path: '/chat/completions' });
    expect(second?.headers.authorization).toBe('Bearer sk-test');
  });

  it('answers a 429 with retry-after and an OpenAI error body', async () => {
    llm.script({ status: 429, retryAfterSeconds: 2 }, { status: 503, body: 'upstream down' });
    const limited = await chat({ messages });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('retry-after-ms')).toBe('2000');
    expect(errorSchema.parse(await limited.json()).error.type).toBe('requests');
    const down = await chat({ messages, stream: true });
    expect(down.status).toBe(503);
    expect(await down.text()).toBe('upstream down');
  });

  it('hangs up without answering, which the client sees as a network error', async () => {
    llm.script({ hangUp: true }, 'after');
    await expect(chat({ messages })).rejects.toThrow(TypeError);
    // The server is still healthy afterwards.
    expect((await chat({ messages })).status).toBe(200);
  });

  it('answers 500 at once when the script is exhausted, and counts it', async () => {
    const res = await chat({ messages });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { message: 'stub-llm: script exhausted', type: 'server_error', param: null, code: null },
    });
    expect(llm.exhausted).toBe(1);
    expect(llm.requests).toHaveLength(1);
  });

  it('lets a client time out on a delayed reply, then carries on', async () => {
    llm.script({ delayMs: 5_000, then: 'too late' }, { delayMs: 20, then: { intent: 'done_for_now', message: 'ok' } });
    await expect(chat({ messages }, undefined, { signal: AbortSignal.timeout(50) })).rejects.toThrow(/abort|timeout/i);
    const res = await chat({ messages });
    expect(completionSchema.parse(await res.json()).choices[0]?.message.content).toContain('done_for_now');
  });

  it('plays function replies against the request, and reports one that throws', async () => {
    llm.script(
      (request) => (request.prompt.includes('fridge') ? { intent: 'list_teams' } : 'no fridge'),
      () => ({ delayMs: 1, then: { status: 502 } }),
      async () => Promise.reject(new Error('bad script')),
    );
    const first = completionSchema.parse(await (await chat({ messages })).json());
    expect(first.choices[0]?.message.content).toBe('{"intent":"list_teams"}');
    expect((await chat({ messages })).status).toBe(502);
    const third = await chat({ messages });
    expect(third.status).toBe(500);
    expect(errorSchema.parse(await third.json()).error.message).toContain('bad script');
    expect(llm.scriptErrors).toHaveLength(1);
  });

  it('overrides usage and finish reason when scripted', async () => {
    llm.script({ content: { intent: 'list_teams' }, usage: { prompt_tokens: 1000, completion_tokens: 7 }, finishReason: 'length' });
    const body = completionSchema.parse(await (await chat({ messages })).json());
    expect(body.usage).toEqual({ prompt_tokens: 1000, completion_tokens: 7, total_tokens: 1007 });
    expect(body.choices[0]?.finish_reason).toBe('length');
  });

  it('rejects a malformed reply at script time, and sends reserved keys as content when wrapped', async () => {
    // Type-correct (any object is JSON content), so only the runtime check catches the typo.
    const typo: StubReply = { status: 429, retryAfter: 3 };
    expect(() => llm.script(typo)).toThrow(StubScriptError);
    expect(() => llm.script({ hangUp: true }, { delayMs: -1, then: 'x' })).toThrow(/delayMs/);
    expect(llm.remaining()).toBe(0);
    llm.script({ content: { status: 'open' } });
    const body = completionSchema.parse(await (await chat({ messages })).json());
    expect(body.choices[0]?.message.content).toBe('{"status":"open"}');
  });

  it('answers 400 to a body that is not a chat request, without playing a reply', async () => {
    llm.script('kept');
    const notJson = await fetch(`${llm.baseUrl}/chat/completions`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(errorSchema.parse(await notJson.json()).error.type).toBe('invalid_request_error');
    expect((await chat({ model: 'x' })).status).toBe(400);
    expect(llm.remaining()).toBe(1);
    expect(llm.requests).toHaveLength(0);
  });

  it('sends a raw body exactly as scripted, any status, any content-type', async () => {
    llm.script({ rawBody: '<html>down</html>', status: 502, headers: { 'content-type': 'text/html' } }, { rawBody: '{"choices":[' });
    const page = await chat({ messages });
    expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([502, 'text/html', '<html>down</html>']);
    const cut = await chat({ messages });
    expect([cut.status, cut.headers.get('content-type'), await cut.text()]).toEqual([200, 'application/json', '{"choices":[']);
    expect(() => llm.script({ rawBody: 42 } as never)).toThrow(StubScriptError);
  });

  it('answers Anthropic’s Messages API from the same script, in Anthropic’s shapes', async () => {
    llm.script({ intent: 'list_teams' }, { status: 429, retryAfterSeconds: 1 });
    const body = { model: 'claude-x', max_tokens: 100, system: 'You are terse.', messages: [{ role: 'user', content: 'Teams?' }] };
    const ok = await chat(body, '/v1/messages');
    expect(await ok.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'text', text: '{"intent":"list_teams"}' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
    expect(llm.requests[0]).toMatchObject({ api: 'anthropic', path: '/v1/messages', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Teams?' }] });
    const limited = await chat(body, '/v1/messages');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect((await chat({ messages: [{ role: 'user', content: 'x' }] }, '/v1/messages')).status).toBe(400);
  });

  it('lists its model', async () => {
    const res = await fetch(`${llm.baseUrl}/models`);
    expect(await res.json()).toEqual({
      object: 'list',
      data: [{ id: 'stub', object: 'model', created: 0, owned_by: 'stub-llm' }],
    });
  });

  it('closes with a request still waiting on a delay', async () => {
    const own = await startStubLlm();
    own.script({ delayMs: 60_000, then: 'never' });
    const pending = fetch(`${own.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages }) });
    await expect.poll(() => own.requests.length).toBe(1);
    await own.close();
    await expect(pending).rejects.toThrow();
    await own.close();
  });
});

describe('with the real BAML runtime', () => {
  const thread = [
    '<email_received>',
    'from: austin@example.com',
    'subject: fridge',
    'body: Can you create an issue to restock the fridge?',
    '</email_received>',
  ].join('\n');
  const registry = (http?: Record<string, number>) => {
    const cr = new ClientRegistry();
    cr.addLlmClient('Stub', 'openai-generic', {
      base_url: llm.baseUrl,
      model: 'stub',
      api_key: 'test',
      ...(http === undefined ? {} : { http }),
    });
    cr.setPrimary('Stub');
    return cr;
  };
  // Failing calls log the whole prompt at WARN; these failures are expected, so keep the test output readable.
  const quiet = { env: { BAML_LOG: 'error' } };

  it('parses a scripted step from a plain call, with the prompt and usage visible', async () => {
    llm.script({ intent: 'list_teams' });
    const collector = new Collector('stub-llm-test');
    const step = await b.DetermineNextStep(thread, { clientRegistry: registry(), collector });
    expect(step.intent).toBe('list_teams');
    const request = llm.requests[0];
    expect(request?.stream).toBe(false);
    expect(request?.model).toBe('stub');
    expect(request?.headers.authorization).toBe('Bearer test');
    expect(request?.prompt).toContain('restock the fridge');
    expect(request?.prompt).toContain('intent: "list_teams"');
    expect(collector.last?.usage.inputTokens).toBeGreaterThan(100);
  });

  it('parses a scripted step from a streamed call', async () => {
    llm.script({ intent: 'get_issue', issue_id: 'OPS-42' });
    const stream = b.stream.DetermineNextStep(thread, { clientRegistry: registry() });
    const step = await stream.getFinalResponse();
    expect(step).toEqual({ intent: 'get_issue', issue_id: 'OPS-42' });
    expect(llm.requests[0]?.stream).toBe(true);
    // BAML does not ask for a usage chunk unless the client options set stream_options.include_usage.
    expect(llm.requests[0]?.body.stream_options).toBeUndefined();
  });

  it('does not retry a 429 by default: one request, BamlClientHttpError with the status and raw body', async () => {
    llm.script({ status: 429, retryAfterSeconds: 7 });
    const collector = new Collector('retry-after');
    const error: unknown = await b.DetermineNextStep(thread, { clientRegistry: registry(), collector, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BamlClientHttpError);
    expect(error).toMatchObject({ status_code: 429, client_name: 'Stub', raw_response: expect.stringContaining('rate_limit_exceeded') });
    expect(llm.requests).toHaveLength(1);
    // The error carries no headers; retry-after is on the collector's record of the call.
    expect(collector.last?.calls[0]?.httpResponse?.headers).toMatchObject({ 'retry-after': '7' });
  });

  it('throws BamlValidationError with the raw output when the reply does not parse', async () => {
    llm.script('I would list the teams first.', { intent: 'create_issue' });
    for (const raw of ['I would list the teams first.', '{"intent":"create_issue"}']) {
      const error: unknown = await b.DetermineNextStep(thread, { clientRegistry: registry(), ...quiet }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BamlValidationError);
      expect(error).toMatchObject({ raw_output: raw });
    }
  });

  it('throws BamlClientHttpError with a non-HTTP status_code when the connection drops', async () => {
    llm.script({ hangUp: true });
    const error: unknown = await b.DetermineNextStep(thread, { clientRegistry: registry(), ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BamlClientHttpError);
    expect(error).toMatchObject({ status_code: 2, raw_response: undefined });
  });

  it('accepts finish_reason "length" unless the client sets an allow list', async () => {
    llm.script({ finishReason: 'length', content: { intent: 'list_teams' } }, { finishReason: 'length', content: { intent: 'list_teams' } });
    expect((await b.DetermineNextStep(thread, { clientRegistry: registry() })).intent).toBe('list_teams');
    const strict = new ClientRegistry();
    strict.addLlmClient('Strict', 'openai-generic', {
      base_url: llm.baseUrl,
      model: 'stub',
      api_key: 'test',
      finish_reason_allow_list: ['stop'],
    });
    strict.setPrimary('Strict');
    const error: unknown = await b.DetermineNextStep(thread, { clientRegistry: strict, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BamlClientFinishReasonError);
    expect(error).toMatchObject({ finish_reason: 'length', raw_output: '{"intent":"list_teams"}' });
  });

  it('times out only when told to: BamlTimeoutError (408) from http.request_timeout_ms', async () => {
    llm.script({ delayMs: 2_000, then: { intent: 'list_teams' } });
    const error: unknown = await b
      .DetermineNextStep(thread, { clientRegistry: registry({ request_timeout_ms: 100 }), ...quiet })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BamlTimeoutError);
    expect(error).toMatchObject({ status_code: 408 });
  });

  it('aborts with BamlAbortError when the signal fires', async () => {
    llm.script({ delayMs: 2_000, then: { intent: 'list_teams' } });
    const error: unknown = await b
      .DetermineNextStep(thread, { clientRegistry: registry(), signal: AbortSignal.timeout(50), ...quiet })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BamlAbortError);
  });

  // Pins a BAML quirk (0.226): the stream's final promise skips the error conversion the plain call does, so callers
  // must pass what they catch through toBamlError(). If this starts failing, BAML fixed it.
  it("rejects a streamed call's getFinalResponse() with a raw Error that toBamlError() converts", async () => {
    llm.script({ status: 503 });
    const stream = b.stream.DetermineNextStep(thread, { clientRegistry: registry(), ...quiet });
    const error: unknown = await stream.getFinalResponse().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(BamlClientHttpError);
    const converted = toBamlError(error);
    expect(converted).toBeInstanceOf(BamlClientHttpError);
    expect(converted).toMatchObject({ status_code: 503 });
  });
});
