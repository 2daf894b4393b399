// Provider prompt caches really used and really counted: Anthropic's breakpoints on the wire, both providers' cache
// counts recorded per step, and each step's cost from the price table.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import type { ModelOutcome } from '../../src/core/agent.js';
import type { LlmConfig } from '../../src/llm/config.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
beforeEach(() => llm.reset());

const config = (over: Partial<LlmConfig>): LlmConfig => ({
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  apiKey: 'sk-ant-test',
  baseUrl: llm.baseUrl,
  timeoutMs: 5_000,
  maxRetries: 0,
  ...over,
});

const ephemeral = { type: 'ephemeral' };
const block = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: z.unknown().optional() });
// What Anthropic receives, read back from the stub: system blocks, then user turns of blocks.
const anthropicBody = z.looseObject({
  system: z.array(block),
  messages: z.array(z.looseObject({ role: z.string(), content: z.array(block) })),
});
const sentBody = (i: number) => anthropicBody.parse(llm.requests[i]?.body);
const blocksOf = (body: z.infer<typeof anthropicBody>) => body.messages.flatMap((m) => m.content);

const step1 = '<message_received>\n  from: alex@company.com\n  text: make an issue for Austin\n</message_received>';
const step2 = `${step1}\n\n<step_decided>\n  intent: list_teams\n</step_decided>\n\n<list_teams_result>\n  - id: 6f0d5c3e\n    key: OPS\n</list_teams_result>`;
const step3 = `${step2}\n\n<step_decided>\n  intent: list_users\n</step_decided>\n\n<list_users_result>\n  - id: 2a9c4b9e\n    name: Austin\n</list_users_result>`;

async function run(c: LlmConfig, context: string): Promise<ModelOutcome> {
  return linearAssistantModel(c)(context, new AbortController().signal);
}

describe('Anthropic cache breakpoints', () => {
  it('puts a breakpoint after the rules and output format, and one on the thread’s last event, not on the question', async () => {
    llm.script({ intent: 'list_teams' });
    expect(await run(config({}), step2)).toMatchObject({ kind: 'step', value: { intent: 'list_teams' } });
    const body = sentBody(0);
    expect(body.system.at(-1)?.text).toContain('never invent one');
    expect(body.system.at(-1)?.text).toContain('intent: "done_for_now"');
    expect(body.system.at(-1)?.cache_control).toEqual(ephemeral);
    const blocks = blocksOf(body);
    const marked = blocks.filter((b) => b.cache_control !== undefined);
    expect(marked).toHaveLength(1);
    expect(marked[0]?.cache_control).toEqual(ephemeral);
    expect(marked[0]?.text.trim()).toMatch(/^<list_teams_result>[\s\S]*<\/list_teams_result>$/);
    expect(blocks.at(-1)?.text.trim()).toBe('The next step?');
    expect(blocks.at(-1)?.cache_control).toBeUndefined();
    // Nothing is lost in the cutting: the blocks read as the thread did.
    expect(blocks.slice(0, -1).map((b) => b.text.trim()).join('\n\n')).toBe(`The thread so far:\n\n${step2}`);
  });

  it('sends each step’s thread blocks again unchanged, so the last step’s breakpoint is a block prefix the next finds', async () => {
    llm.script({ intent: 'list_teams' }, { intent: 'list_users' }, { intent: 'done_for_now', message: 'ok' });
    for (const context of [step1, step2, step3]) expect((await run(config({}), context)).kind).toBe('step');
    const threads = [0, 1, 2].map((i) => blocksOf(sentBody(i)).slice(0, -1));
    for (const [before, after] of [[threads[0], threads[1]], [threads[1], threads[2]]] as const) {
      const cachedUpTo = (before ?? []).findIndex((b) => b.cache_control !== undefined);
      expect(cachedUpTo).toBe((before ?? []).length - 1);
      // Block for block, text and all, up to and including the earlier step's breakpoint.
      expect(after?.slice(0, cachedUpTo + 1).map((b) => b.text)).toEqual(before?.map((b) => b.text));
      expect(after?.length).toBeGreaterThan(before?.length ?? Infinity);
    }
    expect(sentBody(2).system).toEqual(sentBody(0).system);
  });

  it('sends no role metadata to OpenAI, whose cache needs only the stable prefix: one thread message, as before', async () => {
    llm.script({ intent: 'list_teams' });
    await run(config({ provider: 'openai', model: 'gpt-4.1' }), step2);
    const request = llm.requests[0];
    expect(request?.api).toBe('openai');
    expect(JSON.stringify(request?.body)).not.toContain('cache_control');
    expect(request?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request?.messages[1]?.content).toContain(step2);
  });
});

describe('cache tokens and cost, per step', () => {
  it('reads Anthropic’s cache_read_input_tokens and cache_creation_input_tokens; input counts every prompt token', async () => {
    llm.script({ content: { intent: 'list_teams' }, usage: { prompt_tokens: 5_000, cached_tokens: 4_000, cache_write_tokens: 600, completion_tokens: 20 } });
    const outcome = await run(config({}), step2);
    expect(outcome.kind).toBe('step');
    if (outcome.kind !== 'step') return;
    expect(outcome.usage).toMatchObject({ model: 'claude-sonnet-4-5', inputTokens: 5_000, cachedInputTokens: 4_000, cacheWriteTokens: 600, outputTokens: 20 });
    // 400 uncached × $3 + 4000 read × $0.30 + 600 written × $3.75 + 20 out × $15, per million tokens.
    expect(outcome.usage.costUsd).toBeCloseTo(0.00495, 10);
  });

  it('reads OpenAI’s prompt_tokens_details.cached_tokens', async () => {
    llm.script({ content: { intent: 'list_teams' }, usage: { prompt_tokens: 5_000, cached_tokens: 3_072, completion_tokens: 20 } });
    const outcome = await run(config({ provider: 'openai', model: 'gpt-4.1' }), step2);
    if (outcome.kind !== 'step') throw new Error(`expected a step, got ${JSON.stringify(outcome)}`);
    expect(outcome.usage).toMatchObject({ inputTokens: 5_000, cachedInputTokens: 3_072, cacheWriteTokens: null, outputTokens: 20 });
    // 1928 uncached × $2 + 3072 cached × $0.50 + 20 out × $8, per million tokens.
    expect(outcome.usage.costUsd).toBeCloseTo(0.005552, 10);
  });

  it('records the usage of a reply it rejects too, since it was billed', async () => {
    llm.script({ content: 'Sure, I will list the teams.', usage: { prompt_tokens: 900, cached_tokens: 800, completion_tokens: 9 } });
    const outcome = await run(config({ provider: 'openai', model: 'gpt-4.1' }), step2);
    expect(outcome).toMatchObject({ kind: 'invalid', usage: { inputTokens: 900, cachedInputTokens: 800, outputTokens: 9 } });
  });

  it('has no cost for a model the price table does not know, never a guessed one', async () => {
    llm.script({ content: { intent: 'list_teams' }, usage: { prompt_tokens: 5_000, cached_tokens: 1_000, completion_tokens: 20 } });
    const outcome = await run(config({ provider: 'openai-compatible', model: 'qwen2.5:14b', apiKey: undefined }), step2);
    expect(outcome).toMatchObject({ kind: 'step', usage: { model: 'qwen2.5:14b', inputTokens: 5_000, cachedInputTokens: 1_000, costUsd: null } });
  });

  it('costs a model from a price table given in the settings', async () => {
    llm.script({ content: { intent: 'list_teams' }, usage: { prompt_tokens: 2_000_000, cached_tokens: 1_000_000, completion_tokens: 1_000_000 } });
    const prices = { 'qwen2.5:14b': { input: 1, cachedInput: 0.25, cacheWrite: 1, output: 2 } };
    const outcome = await run(config({ provider: 'openai-compatible', model: 'qwen2.5:14b', prices }), step2);
    expect(outcome).toMatchObject({ kind: 'step', usage: { costUsd: 3.25 } });
  });
});
