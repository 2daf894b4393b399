// Figure 4's cost row prices every system's steps alike: the shared prefix read from the cache as OpenAI counts it.
import { describe, expect, it } from 'vitest';
import type { PromptFigures } from '../../bench/lib/prompt-tokens.js';
import { describeStepCost, stepCosts } from '../../bench/lib/step-cost.js';

const figures = (tokensPerStep: number[], uncachedTokensPerStep: number[]): PromptFigures => ({
  tokensPerStep,
  totalTokens: tokensPerStep.reduce((a, b) => a + b, 0),
  prefixSharePerStep: uncachedTokensPerStep.map(() => 0.9),
  prefixShare: 0.9,
  uncachedTokensPerStep,
  bytesPerStep: tokensPerStep.map((t) => t * 4),
});

describe('bench step cost', () => {
  it('reads the shared prefix from the cache in 128-token steps from 1,024 on, the first step cold', () => {
    const c = stepCosts(figures([2_000, 2_500, 1_100], [500, 200]));
    expect(c?.cachedTokensPerStep).toEqual([0, 1_920, 0]);
    // gpt-4.1: $2 per million uncached, $0.50 cached.
    expect(c?.costPerStepUsd).toEqual([0.004, (580 * 2 + 1_920 * 0.5) / 1e6, 0.0022]);
    expect(describeStepCost(figures([2_000, 2_500, 1_100], [500, 200]))).toBe('$0.002773 (640 of 1,867 tokens cached)');
  });

  it('has no cost for a system with no steps', () => {
    expect(stepCosts(figures([], []))).toBeUndefined();
    expect(describeStepCost(undefined)).toBe('–');
  });
});
