// Which models `hardway eval` asks (flag pairs, else the configured model, else offline), and repeated runs of a
// case against a model counted in its cell: a model that answers right only some of the time shows as such.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../src/app/agents.js';
import { channels } from '../../src/app/channels.js';
import { readConfig } from '../../src/app/config.js';
import { randomIds, systemClock } from '../../src/core/ids.js';
import { readLlmConfig } from '../../src/llm/config.js';
import { evalAgents } from '../../src/evals/eval-agents.js';
import { caseItem } from '../../src/evals/eval-items.js';
import { exportCase } from '../../src/evals/export-case.js';
import { formatReport, summarize } from '../../src/evals/report.js';
import { runEvals } from '../../src/evals/run-evals.js';
import { evalTargets, offlineLabel } from '../../src/evals/targets.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { createIssueStep, runScenario, stepSeq } from './scenario.js';

const none = { provider: [], model: [], baseUrl: [], offline: false };

describe('evalTargets', () => {
  it('pairs --provider with --model in order, one --base-url for all or one each, keys and prices from the settings', () => {
    const env = { LLM_API_KEY: 'sk-test', LLM_PRICES: '{"local":{"input":1,"cachedInput":0,"cacheWrite":1,"output":2}}' };
    const targets = evalTargets({ provider: ['openai', 'openai-compatible'], model: ['gpt-4.1', 'local'], baseUrl: [], offline: false }, { ...env, LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: 'http://127.0.0.1:3/v1' }, readLlmConfig({}));
    expect(targets).toMatchObject([
      { kind: 'model', label: 'gpt-4.1 (openai)', llm: { provider: 'openai', model: 'gpt-4.1', apiKey: 'sk-test' } },
      { kind: 'model', label: 'local (openai-compatible)', llm: { provider: 'openai-compatible', model: 'local', baseUrl: 'http://127.0.0.1:3/v1', prices: { local: { output: 2 } } } },
    ]);
    // LLM_BASE_URL is the configured provider's: OpenAI keeps its own endpoint.
    expect(targets[0]).not.toHaveProperty('llm.baseUrl');
    expect(() => evalTargets({ ...none, provider: ['openai-compatible'], model: ['local'] }, env, readLlmConfig({}))).toThrow(/needs LLM_BASE_URL/);
    const two = evalTargets({ provider: ['openai-compatible', 'openai-compatible'], model: ['a', 'a'], baseUrl: ['http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1'], offline: false }, env, readLlmConfig({}));
    expect(two.map((t) => (t.kind === 'model' ? [t.label, t.llm.baseUrl, t.llm.apiKey] : []))).toEqual([
      ['a (openai-compatible)', 'http://127.0.0.1:1/v1', 'sk-test'],
      ['a (openai-compatible) #2', 'http://127.0.0.1:2/v1', 'sk-test'],
    ]);
    expect(() => evalTargets({ ...none, provider: ['openai'], model: [] }, env, readLlmConfig({}))).toThrow(/in pairs/);
  });

  it('without flags: the configured model, or offline when none is configured or --offline is given', () => {
    const configured = readLlmConfig({ LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm' });
    expect(evalTargets(none, {}, configured)).toMatchObject([{ kind: 'model', label: 'm (openai-compatible)', llm: { baseUrl: 'http://127.0.0.1:9/v1' } }]);
    expect(evalTargets(none, {}, readLlmConfig({}))).toEqual([{ kind: 'offline', label: offlineLabel }]);
    expect(evalTargets({ ...none, offline: true, provider: ['openai'], model: ['gpt-4.1'] }, {}, configured)).toEqual([{ kind: 'offline', label: offlineLabel }]);
  });
});

describe('repeated runs', () => {
  let llm: StubLlm;
  beforeAll(async () => {
    llm = await startStubLlm();
  });
  afterAll(async () => llm.close());

  it('asks the model each case --runs times and reports 2/3 with the failed assertion counted', async () => {
    const { thread } = await runScenario(llm);
    const c = exportCase(thread, { upto: stepSeq(thread.events, 'create_issue'), exportedAt: 'now' });
    llm.reset();
    llm.script(createIssueStep, { intent: 'request_more_information', message: 'Which team?' }, createIssueStep);
    const llmConfig = { provider: 'openai-compatible' as const, model: 'stub', baseUrl: llm.baseUrl, timeoutMs: 10_000, maxRetries: 0 };
    const item = caseItem(c, evalAgents(readConfig({}), agents, channels, { clock: systemClock, ids: randomIds }));
    // One at a time, so the scripted replies meet the runs in order.
    const results = await runEvals([item], [{ kind: 'model', label: 'stub', llm: llmConfig }], { concurrency: 1, runs: 3 });
    expect(results.map((r) => r.passed)).toEqual([true, false, true]);
    const summary = summarize(results, ['stub'], 0.9);
    expect(summary.models[0]).toMatchObject({ passed: 2, total: 3, calls: 3 });
    expect(summary.belowThreshold).toEqual(['stub']);
    const report = formatReport(results, summary);
    expect(report).toMatch(new RegExp(`^${c.name} +case +2/3 FAIL intent×1 {2}\\d+ ms {2}\\d+/\\?/\\d+ tok {2}\\$\\?$`, 'm'));
    expect(report).toContain('below the threshold of 90.0%: stub');
  }, 60_000);
});
