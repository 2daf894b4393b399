// #11.1, figure 4: Hardway plays the bench scenario through its production path (BAML → the bench stub); every
// step's prompt carries the ids and facts the scripted model relies on, and the bench's check notices a lost one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardwaySystem } from '../../bench/lib/hardway-system.js';
import { missingFacts, promptFigures } from '../../bench/lib/prompt-tokens.js';
import { runScenarios } from '../../bench/lib/scenario-runs.js';
import { startBenchStub, type BenchStub, type ChatBody } from '../../bench/lib/stub-model.js';
import { factsBefore, MODEL_STEPS } from '../../bench/scenarios/email-triage.js';

let stub: BenchStub;
let dir: string;
let prompts: ChatBody[];

beforeAll(async () => {
  stub = await startBenchStub({ hardway: 'json-content' });
  dir = mkdtempSync(join(tmpdir(), 'hardway-prompt-facts-'));
  const instance = await hardwaySystem.open({ dir, baseUrl: stub.baseUrl('hardway') });
  try {
    const runs = await runScenarios([{ id: 'hardway', instance }], stub, { runs: 1, warmup: 0 });
    prompts = runs.get('hardway')?.at(-1)?.prompts ?? [];
  } finally {
    await instance.close();
  }
});
afterAll(async () => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('#11.1: figure 4 compares prompts that carry the same information', () => {
  it('#11.1: every step of Hardway’s lean prompts holds the ids and facts the scripted model’s step relies on', () => {
    expect(stub.errors).toEqual([]);
    expect(prompts).toHaveLength(MODEL_STEPS);
    expect(missingFacts(prompts)).toEqual([]);
  });

  it('#11.1: the bench’s check names the step and the fact a prompt lost', () => {
    const owner = factsBefore[4]?.[1] ?? '';
    const lossy = prompts.map((p, i) =>
      i === 4 ? { ...p, messages: p.messages.map((m) => ({ ...m, content: typeof m.content === 'string' ? m.content.replaceAll(owner, '') : m.content })) } : p,
    );
    expect(missingFacts(lossy)).toEqual([`step 5: ${owner}`]);
  });

  // The best peer's figures (LangGraph.js) from `npm run bench -- --only 4` on 2026-12-02, with the same rules: the
  // tokenizer and the scenario are deterministic, so these hold until the scenario or the peers' prompts change.
  it('#11.1: the lean prompts stay under figure 4’s targets: 1.4× the best peer per uncached step (417) and per scenario (13,729)', () => {
    const figures = promptFigures(prompts);
    const uncached = figures.uncachedTokensPerStep.reduce((a, b) => a + b, 0) / figures.uncachedTokensPerStep.length;
    expect(uncached).toBeLessThanOrEqual(417 / 1.4);
    expect(figures.totalTokens).toBeLessThanOrEqual(13_729 / 1.4);
  });
});
