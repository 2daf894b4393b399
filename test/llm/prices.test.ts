// The price table behind each step's cost: defaults for the default models, LLM_PRICES over them, bad input refused.
import { describe, expect, it } from 'vitest';
import { readLlmConfig } from '../../src/llm/config.js';
import { defaultPrices, stepCost } from '../../src/llm/prices.js';

const anthropic = { LLM_PROVIDER: 'anthropic', LLM_API_KEY: 'sk-ant-x' };

describe('prices', () => {
  it('has a price for each provider’s default model', () => {
    for (const provider of ['openai', 'anthropic']) {
      const result = readLlmConfig({ LLM_PROVIDER: provider, LLM_API_KEY: 'k' });
      if (!result.ok) throw new Error(result.problem);
      expect(defaultPrices[result.config.model]).toBeDefined();
    }
  });

  it('LLM_PRICES adds models and replaces defaults, keeping the others', () => {
    const table = { 'claude-sonnet-4-5': { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 }, 'my-model': { input: 0, cachedInput: 0, cacheWrite: 0, output: 0 } };
    const result = readLlmConfig({ ...anthropic, LLM_PRICES: JSON.stringify(table) });
    expect(result).toMatchObject({ ok: true, config: { prices: { ...table, 'gpt-4.1': defaultPrices['gpt-4.1'] } } });
  });

  it('refuses LLM_PRICES that is not JSON, or not a table of four non-negative prices, saying what it expects', () => {
    expect(readLlmConfig({ ...anthropic, LLM_PRICES: '{"m": ' })).toMatchObject({ ok: false, problem: expect.stringMatching(/^LLM_PRICES is not valid JSON[\s\S]*"cachedInput"/) });
    const missing = readLlmConfig({ ...anthropic, LLM_PRICES: '{"m":{"input":1,"output":2}}' });
    expect(missing).toMatchObject({ ok: false, problem: expect.stringMatching(/^invalid LLM_PRICES:[\s\S]*cachedInput/) });
    expect(readLlmConfig({ ...anthropic, LLM_PRICES: '{"m":{"input":-1,"cachedInput":0,"cacheWrite":0,"output":0}}' })).toMatchObject({ ok: false });
    expect(readLlmConfig({ ...anthropic, LLM_PRICES: '{"m":{"input":1,"cachedInput":0,"cacheWrite":0,"output":0,"extra":1}}' })).toMatchObject({ ok: false });
  });

  it('cost is unknown when the provider reported no token counts', () => {
    const price = defaultPrices['gpt-4.1'];
    expect(stepCost(price, { inputTokens: null, cachedInputTokens: null, cacheWriteTokens: null, outputTokens: 5 })).toBeNull();
    expect(stepCost(undefined, { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5 })).toBeNull();
    // No cache counts reported: every prompt token at the full price.
    expect(stepCost(price, { inputTokens: 1_000_000, cachedInputTokens: null, cacheWriteTokens: null, outputTokens: 0 })).toBe(2);
  });
});
