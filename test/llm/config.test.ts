import { describe, expect, it } from 'vitest';
import { howToConfigure, readLlmConfig } from '../../src/llm/config.js';
import { buildClientRegistry } from '../../src/llm/client-registry.js';

describe('model settings', () => {
  it('with nothing set, says exactly what to set, one line per provider', () => {
    const result = readLlmConfig({});
    expect(result).toEqual({ ok: false, problem: howToConfigure });
    expect(howToConfigure.split('\n').filter((l) => l.includes('LLM_PROVIDER='))).toHaveLength(3);
  });

  it('names the missing setting for each provider', () => {
    expect(readLlmConfig({ LLM_PROVIDER: 'openai' })).toMatchObject({ ok: false, problem: expect.stringMatching(/^LLM_PROVIDER=openai needs LLM_API_KEY/) });
    expect(readLlmConfig({ LLM_PROVIDER: 'openai-compatible', LLM_MODEL: 'llama3' })).toMatchObject({ ok: false, problem: expect.stringMatching(/needs LLM_BASE_URL and LLM_MODEL/) });
    expect(readLlmConfig({ LLM_PROVIDER: 'gemini' })).toMatchObject({ ok: false, problem: expect.stringMatching(/LLM_PROVIDER/) });
  });

  it('fills defaults and accepts the providers’ usual key names', () => {
    expect(readLlmConfig({ LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'sk-ant-x' })).toEqual({
      ok: true,
      config: { provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: 'sk-ant-x', timeoutMs: 60_000, maxRetries: 3 },
    });
    expect(readLlmConfig({ LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'qwen', LLM_MAX_RETRIES: '1' })).toMatchObject({
      ok: true,
      config: { provider: 'openai-compatible', model: 'qwen', baseUrl: 'http://127.0.0.1:11434/v1', maxRetries: 1 },
    });
  });

  it('#9.6: reads the step budget (LLM_STEP_TIMEOUT_MS), which is left to the step model’s default when unset', () => {
    expect(readLlmConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'k', LLM_STEP_TIMEOUT_MS: '90000' })).toMatchObject({ ok: true, config: { stepTimeoutMs: 90_000 } });
    const unset = readLlmConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'k' });
    expect(unset.ok && 'stepTimeoutMs' in unset.config).toBe(false);
    expect(readLlmConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'k', LLM_STEP_TIMEOUT_MS: '0' })).toMatchObject({ ok: false });
  });

  it('builds a BAML client registry for every provider', () => {
    for (const provider of ['openai', 'anthropic', 'openai-compatible'] as const) {
      expect(() => buildClientRegistry({ provider, model: 'm', apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v1', timeoutMs: 1000, maxRetries: 0 })).not.toThrow();
    }
  });
});
