// Figure 4's cost row: what each step's prompt costs at a list price, with the provider's prefix cache warm.
//
// Every system is priced the same way, from the requests the stub received: a step's prompt tokens, of which those
// in the prefix it shares with the step before are read from the cache, counted as OpenAI does (nothing below 1,024
// tokens, then in steps of 128). Output tokens are left out: they are the scripted model's, the same for every system.
import { defaultPrices, stepCost } from '../../src/llm/prices.js';
import type { PromptFigures } from './prompt-tokens.js';

export const COST_MODEL = 'gpt-4.1';

const MIN_CACHED = 1024;
const CACHE_STEP = 128;

export interface StepCosts {
  /** Prompt tokens of each step read from the cache (the first step's cache is cold). */
  cachedTokensPerStep: number[];
  /** USD per step at COST_MODEL's price. */
  costPerStepUsd: number[];
  meanCostUsd: number;
}

export function stepCosts(p: PromptFigures): StepCosts | undefined {
  const price = defaultPrices[COST_MODEL];
  if (p.tokensPerStep.length === 0) return undefined;
  const cachedTokensPerStep = p.tokensPerStep.map((tokens, i) => {
    if (i === 0) return 0;
    const prefix = Math.max(0, tokens - (p.uncachedTokensPerStep[i - 1] ?? tokens));
    return prefix < MIN_CACHED ? 0 : Math.floor(prefix / CACHE_STEP) * CACHE_STEP;
  });
  const costPerStepUsd = p.tokensPerStep.map(
    (tokens, i) => stepCost(price, { inputTokens: tokens, cachedInputTokens: cachedTokensPerStep[i] ?? 0, cacheWriteTokens: 0, outputTokens: 0 }) ?? 0,
  );
  return { cachedTokensPerStep, costPerStepUsd, meanCostUsd: costPerStepUsd.reduce((a, b) => a + b, 0) / costPerStepUsd.length };
}

/** "$0.001234 (812 of 2,310 tokens cached)": the mean step. */
export function describeStepCost(p: PromptFigures | undefined): string {
  const c = p === undefined ? undefined : stepCosts(p);
  if (p === undefined || c === undefined) return '–';
  const mean = (xs: readonly number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length).toLocaleString('en-US');
  return `$${c.meanCostUsd.toFixed(6)} (${mean(c.cachedTokensPerStep)} of ${mean(p.tokensPerStep)} tokens cached)`;
}
