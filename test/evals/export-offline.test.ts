// Export: a thread run by the scripted model through the real loop becomes a versioned case whose context, rebuilt
// from its events, is the prompt the model had at that step; offline, its recorded reply passes through the real
// parser and the assertions, and an assertion the reply does not meet is reported by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../src/app/agents.js';
import { channelUpcasters } from '../../src/app/channel-events.js';
import { channels } from '../../src/app/channels.js';
import { readConfig } from '../../src/app/config.js';
import { randomIds, systemClock } from '../../src/core/ids.js';
import { evalAgents } from '../../src/evals/eval-agents.js';
import { parseEvalCase, type EvalCase } from '../../src/evals/eval-case.js';
import { caseItem, promptTestItems, readCases } from '../../src/evals/eval-items.js';
import { exportCase } from '../../src/evals/export-case.js';
import { runEvals } from '../../src/evals/run-evals.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { createIssueStep, runScenario, stepSeq } from './scenario.js';

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());

const registry = evalAgents(readConfig({}), agents, channels, { clock: systemClock, ids: randomIds });
const offline = [{ kind: 'offline' as const, label: 'offline' }];
const item = (c: EvalCase) => caseItem(c, registry, channelUpcasters(channels));

/** Through JSON and the schema, as a case file is read. */
function roundTrip(c: EvalCase): EvalCase {
  const read = parseEvalCase(JSON.stringify(c, null, 2));
  if (!read.ok) throw new Error(read.problem);
  return read.case;
}

describe('export a thread as an eval case', () => {
  it('captures the events before the chosen step, the step with its raw reply, and asserts its intent by default', async () => {
    const { thread } = await runScenario(llm);
    const seq = stepSeq(thread.events, 'create_issue');
    const c = roundTrip(exportCase(thread, { upto: seq, exportedAt: '2026-12-02T00:00:00.000Z' }));
    expect(c).toMatchObject({ version: 1, agent: 'linear-assistant', source: { thread: thread.id }, step: { seq, intent: 'create_issue', model: 'stub' } });
    expect(c.events.map((e) => e.seq)).toEqual(Array.from({ length: seq - 1 }, (_, i) => i + 1));
    expect(JSON.parse(c.step.raw)).toEqual(createIssueStep);
    expect(c.assert).toEqual({ intent: 'create_issue', require: [], forbidIntents: [] });
    // The case's context is what the model was sent for that step (the second request: list_teams came first).
    expect(llm.requests[1]?.messages.at(-1)?.content.trimEnd()).toContain(item(c).context);
    expect(item(c).context).toContain('restock the fridges');
  }, 60_000);

  it('defaults to the last model step; --upto picks the last model step at or before it; flags become the assertions', async () => {
    const { thread } = await runScenario(llm);
    const last = exportCase(thread, { exportedAt: 'now' });
    expect(last.step.intent).toBe('done_for_now');
    const seq = stepSeq(thread.events, 'create_issue');
    // The seq after the step is its result (or approval): still that step.
    const c = exportCase(thread, { upto: seq + 1, exportedAt: 'now', assert: { require: [{ path: 'issue.team_id', equals: 'OPS' }], forbidIntents: ['update_issue'] } });
    expect(c.step.intent).toBe('create_issue');
    expect(c.assert).toEqual({ require: [{ path: 'issue.team_id', equals: 'OPS' }], forbidIntents: ['update_issue'] });
    expect(() => exportCase(thread, { upto: 1, exportedAt: 'now' })).toThrow(/no model step at or before seq 1/);
  }, 60_000);
});

describe('the offline mode', () => {
  it('runs the exported case: the recorded reply parses and passes', async () => {
    const { thread } = await runScenario(llm);
    const c = roundTrip(exportCase(thread, { upto: stepSeq(thread.events, 'create_issue'), exportedAt: 'now', assert: { intent: 'create_issue', require: [{ path: 'issue.team_id', equals: 'OPS' }] } }));
    const [result] = await runEvals([item(c)], offline, { concurrency: 2 });
    expect(result).toMatchObject({ passed: true, failures: [], intent: 'create_issue', model: 'offline' });
  }, 60_000);

  it('names each failed assertion: a different expected intent, a required value the reply lacks, a forbidden intent', async () => {
    const { thread } = await runScenario(llm);
    const c = exportCase(thread, {
      upto: stepSeq(thread.events, 'create_issue'),
      exportedAt: 'now',
      assert: { intent: 'request_more_information', require: [{ path: 'issue.team_id', equals: 'ENG' }], forbidIntents: ['create_issue'] },
    });
    const [result] = await runEvals([item(roundTrip(c))], offline, { concurrency: 1 });
    expect(result?.passed).toBe(false);
    expect(result?.failures).toEqual([
      { name: 'intent', detail: 'expected request_more_information, got create_issue' },
      { name: 'require issue.team_id', detail: 'expected "ENG", got "OPS"' },
      { name: 'forbid create_issue', detail: 'the step is create_issue' },
    ]);
  }, 60_000);

  it('a recorded reply the parser no longer reads as a step fails as parse, with the reason', async () => {
    const { thread } = await runScenario(llm);
    const c = exportCase(thread, { upto: stepSeq(thread.events, 'create_issue'), exportedAt: 'now' });
    const [result] = await runEvals([item({ ...c, step: { ...c.step, raw: '{"intent": "delete_workspace"}' } })], offline, { concurrency: 1 });
    expect(result?.failures).toEqual([{ name: 'parse', detail: expect.stringMatching(/delete_workspace/) }]);
  }, 60_000);

  it('a case whose events were edited into something no event holds is refused, naming the event', async () => {
    const { thread } = await runScenario(llm);
    const c = roundTrip(exportCase(thread, { upto: stepSeq(thread.events, 'create_issue'), exportedAt: 'now' }));
    const [first, ...rest] = c.events;
    if (first === undefined) throw new Error('no events');
    const edited = { ...c, events: [{ ...first, data: { channel: 'cli', body: 'the text under the wrong key' } }, ...rest] };
    expect(() => item(edited)).toThrow(/event 1 \(message_received\) is not a valid message_received: .*text/s);
  }, 60_000);

  it('the committed cases in evals/cases and the BAML prompt tests all pass offline', async () => {
    const cases = readCases('evals/cases');
    expect(cases.length).toBeGreaterThanOrEqual(2);
    const items = [...cases.map(item), ...promptTestItems(registry)];
    expect(items.filter((i) => i.kind === 'prompt_test').map((i) => i.name)).toContain('TeamIDErrorAsksForMoreInput');
    const results = await runEvals(items, offline, { concurrency: 4 });
    expect(results.filter((r) => !r.passed)).toEqual([]);
    expect(results).toHaveLength(items.length);
  });
});
