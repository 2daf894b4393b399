// A case runs against a model whose answer depends on the prompt it is sent (the scripted stub reads it), through
// the agent's real step model; the context is rendered from the case's events by the agent's current renderer, so
// a change to how the thread is rendered changes what the model sees, and the case fails naming the assertion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, type AgentList } from '../../src/app/agents.js';
import { channels } from '../../src/app/channels.js';
import { readConfig } from '../../src/app/config.js';
import { linearAssistant } from '../../src/agents/linear-assistant/module.js';
import { randomIds, systemClock } from '../../src/core/ids.js';
import type { LlmConfig } from '../../src/llm/config.js';
import { evalAgents } from '../../src/evals/eval-agents.js';
import { caseItem } from '../../src/evals/eval-items.js';
import { exportCase } from '../../src/evals/export-case.js';
import { runEvals } from '../../src/evals/run-evals.js';
import { startStubLlm, type StubLlm, type StubRequest } from '../support/stub-llm.js';
import { createIssueStep, runScenario, stepSeq } from './scenario.js';

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());

/** Creates the issue only when the prompt carries the person's request; without it, asks what they want. */
const readsThePrompt = (request: StubRequest) =>
  request.prompt.includes('restock the fridges') ? createIssueStep : { intent: 'request_more_information', message: 'What would you like me to do?' };

/** The assistant as it would be after a change that renders a message by its sender only, leaving out its words. */
const changedRenderer: AgentList = [
  {
    ...linearAssistant,
    definition: (context) => {
      const d = linearAssistant.definition(context);
      return { ...d, render: { ...d.render, overrides: { ...d.render?.overrides, message_received: (e) => ({ tag: 'message', body: `from: ${e.data.from ?? 'someone'}` }) } } };
    },
  },
];

describe('a case against a model that reads the prompt', () => {
  it('passes under the current prompt and fails, naming the assertions, once the rendered prompt changes', async () => {
    const { thread } = await runScenario(llm);
    const c = exportCase(thread, {
      upto: stepSeq(thread.events, 'create_issue'),
      exportedAt: 'now',
      assert: { intent: 'create_issue', require: [{ path: 'issue.team_id', equals: 'OPS' }] },
    });
    llm.reset();
    llm.script(readsThePrompt, readsThePrompt);
    const model: LlmConfig = {
      provider: 'openai-compatible',
      model: 'stub',
      baseUrl: llm.baseUrl,
      timeoutMs: 10_000,
      maxRetries: 0,
      prices: { stub: { input: 2, cachedInput: 0.5, cacheWrite: 2, output: 8 } },
    };
    const target = [{ kind: 'model' as const, label: 'stub', llm: model }];
    const deps = { clock: systemClock, ids: randomIds };

    const [now] = await runEvals([caseItem(c, evalAgents(readConfig({}), agents, channels, deps))], target, { concurrency: 1 });
    expect(now).toMatchObject({ passed: true, intent: 'create_issue', model: 'stub' });
    expect(now?.inputTokens).toBeGreaterThan(0);
    expect(now?.costUsd).toBeGreaterThan(0);
    expect(llm.requests[0]?.prompt).toContain('restock the fridges');

    const [changed] = await runEvals([caseItem(c, evalAgents(readConfig({}), changedRenderer, channels, deps))], target, { concurrency: 1 });
    expect(llm.requests[1]?.prompt).toContain('from: alex@company.com');
    expect(llm.requests[1]?.prompt).not.toContain('restock the fridges');
    expect(changed).toMatchObject({ passed: false, intent: 'request_more_information' });
    expect(changed?.failures).toEqual([
      { name: 'intent', detail: 'expected create_issue, got request_more_information' },
      { name: 'require issue.team_id', detail: 'expected "OPS", got nothing' },
    ]);
    expect(llm.scriptErrors).toEqual([]);
  }, 60_000);
});
