// Offline prompt tests: every BAML test has recorded output that BAML's real parser turns into a step which
// passes the same named asserts; and the prompt really carries the thread and the output format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b } from '../../../baml_client/index.js';
import { parseStep } from '../../../src/agents/linear-assistant/steps.js';
import { linearAssistantModel } from '../../../src/agents/linear-assistant/model.js';
import { readBamlTests } from '../../../src/evals/baml-tests.js';
import { linearAssistantCases } from '../../../src/agents/linear-assistant/prompt-cases.js';
import { startStubLlm, type StubLlm } from '../../support/stub-llm.js';
import { THREAD_TAIL } from '../../loop/harness.js';

const tests = readBamlTests().filter((t) => t.functionName === 'DetermineNextStep');

describe('BAML prompt tests, offline', () => {
  it('includes the seed’s TeamIDErrorAsksForMoreInput case, and every BAML test has a TypeScript twin', () => {
    expect(tests.map((t) => t.name)).toContain('TeamIDErrorAsksForMoreInput');
    expect(tests.map((t) => t.name).sort()).toEqual(Object.keys(linearAssistantCases).sort());
    for (const t of tests) expect(Object.keys(linearAssistantCases[t.name]?.asserts ?? {}).sort()).toEqual([...t.asserts].sort());
  });

  for (const t of tests) {
    it(`${t.name}: the recorded output parses and passes ${t.asserts.join(', ')}`, () => {
      const c = linearAssistantCases[t.name];
      if (!c) throw new Error(`no case for ${t.name}`);
      const parsed = parseStep(b.parse.DetermineNextStep(c.recorded));
      if (!parsed.ok) throw new Error(parsed.reason);
      for (const [name, check] of Object.entries(c.asserts)) expect(check(parsed.step), name).toBe(true);
    });
  }
});

describe('the prompt', () => {
  let llm: StubLlm;
  beforeAll(async () => {
    llm = await startStubLlm();
  });
  afterAll(async () => llm.close());

  it('sends the rules and output format first, then the thread; answers parse through the scripted model', async () => {
    const t = tests.find((x) => x.name === 'TeamIDErrorAsksForMoreInput');
    llm.script('{"intent": "list_teams"}');
    const model = linearAssistantModel({ provider: 'openai-compatible', model: 'stub', baseUrl: llm.baseUrl, timeoutMs: 5_000, maxRetries: 0 });
    const outcome = await model(t?.thread ?? '', new AbortController().signal);
    expect(outcome).toMatchObject({ kind: 'step', value: { intent: 'list_teams' } });
    const [system, user] = llm.requests[0]?.messages ?? [];
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('never invent one');
    expect(user?.content).toContain('error running create_issue: invalid input: teamId must be a UUID.');
    // The output format is fixed, so it sits before the thread: each step's prompt then extends the last one.
    expect(system?.content).toContain('intent: "list_teams",');
    expect(system?.content).toContain('intent: "done_for_now",');
    expect(user?.content.trimEnd().endsWith(THREAD_TAIL)).toBe(true);
  });
});
