// The Triage Assistant's BAML prompt tests, offline: each has a TypeScript twin whose recorded output BAML's real
// parser turns into a step of the agent's union that passes the same named asserts.
import { describe, expect, it } from 'vitest';
import { parseRecordedTriageReply } from '../../../src/agents/triage-assistant/model.js';
import { triageAssistantCases } from '../../../src/agents/triage-assistant/prompt-cases.js';
import { parseTriageStep } from '../../../src/agents/triage-assistant/steps.js';
import { readBamlTests } from '../../../src/evals/baml-tests.js';

const tests = readBamlTests().filter((t) => t.functionName === 'DetermineTriageStep');

describe('Triage Assistant BAML prompt tests, offline', () => {
  it('every BAML test of DetermineTriageStep has a TypeScript twin with the same asserts', () => {
    expect(tests.map((t) => t.name).sort()).toEqual(Object.keys(triageAssistantCases).sort());
    for (const t of tests) expect(Object.keys(triageAssistantCases[t.name]?.asserts ?? {}).sort()).toEqual([...t.asserts].sort());
  });

  for (const t of tests) {
    it(`${t.name}: the recorded output parses and passes ${t.asserts.join(', ')}`, () => {
      const c = triageAssistantCases[t.name];
      if (!c) throw new Error(`no case for ${t.name}`);
      const parsed = parseTriageStep(parseRecordedTriageReply(c.recorded));
      if (!parsed.ok) throw new Error(parsed.reason);
      for (const [name, check] of Object.entries(c.asserts)) expect(check(parsed.step), name).toBe(true);
    });
  }
});
