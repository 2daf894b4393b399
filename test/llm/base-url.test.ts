// LLM_BASE_URL with or without `/v1`, with or without a trailing slash, reaches each provider's real path.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import { normalizeBaseUrl } from '../../src/llm/base-url.js';
import { providers } from '../../src/llm/config.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterEach(() => {
  expect(llm.scriptErrors).toEqual([]);
  llm.reset();
});
afterAll(async () => llm.close());

const expectedPath = { openai: '/v1/chat/completions', anthropic: '/v1/messages', 'openai-compatible': '/v1/chat/completions' } as const;

describe('#9.13 LLM_BASE_URL in either form', () => {
  it('#9.13a: every provider reaches its path whether the base ends in /v1 or not, with or without a slash', async () => {
    const origin = `http://127.0.0.1:${llm.port}`;
    for (const provider of providers) {
      for (const baseUrl of [origin, `${origin}/`, `${origin}/v1`, `${origin}/v1/`]) {
        llm.reset();
        llm.script({ intent: 'list_teams' });
        const model = linearAssistantModel({ provider, model: 'stub', apiKey: 'test', baseUrl, timeoutMs: 5_000, maxRetries: 0 });
        const outcome = await model('what teams are there?', new AbortController().signal);
        expect({ provider, baseUrl, outcome: outcome.kind, paths: llm.requests.map((r) => r.path) }).toEqual({
          provider,
          baseUrl,
          outcome: 'step',
          paths: [expectedPath[provider]],
        });
      }
    }
  });

  it('#9.13b: Anthropic requests arrive in Anthropic’s shape, with the system prompt and the thread', async () => {
    llm.script({ intent: 'list_teams' });
    const model = linearAssistantModel({ provider: 'anthropic', model: 'claude-x', apiKey: 'sk-ant-test', baseUrl: `${llm.baseUrl}/`, timeoutMs: 5_000, maxRetries: 0 });
    expect(await model('where is the fridge issue?', new AbortController().signal)).toMatchObject({ kind: 'step', value: { intent: 'list_teams' } });
    const request = llm.requests[0];
    expect(request?.api).toBe('anthropic');
    expect(request?.headers['x-api-key']).toBe('sk-ant-test');
    expect(request?.messages[0]?.role).toBe('system');
    expect(request?.prompt).toContain('where is the fridge issue?');
  });

  it('keeps a provider’s own path prefix, and only adds /v1 to a bare host', () => {
    expect(normalizeBaseUrl('openai-compatible', 'https://api.groq.com/openai/v1/')).toBe('https://api.groq.com/openai/v1');
    expect(normalizeBaseUrl('openai-compatible', 'https://generativelanguage.googleapis.com/v1beta/openai/')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/openai',
    );
    expect(normalizeBaseUrl('openai', 'https://api.openai.com')).toBe('https://api.openai.com/v1');
    expect(normalizeBaseUrl('anthropic', 'https://api.anthropic.com/v1/')).toBe('https://api.anthropic.com');
    expect(normalizeBaseUrl('anthropic', 'https://proxy.example/anthropic')).toBe('https://proxy.example/anthropic');
  });
});
