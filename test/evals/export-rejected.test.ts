// A reply the agent rejected (no step in it) is a model step too: exported, the case records the reply and why it
// was rejected, and asks of a model only a step the agent accepts — offline the recorded reply fails as `parse`, as
// it did in the thread; a model that now answers with a step passes, one that answers in prose again fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../src/app/agents.js';
import { channelUpcasters } from '../../src/app/channel-events.js';
import { channels } from '../../src/app/channels.js';
import { readConfig } from '../../src/app/config.js';
import { randomIds, systemClock } from '../../src/core/ids.js';
import type { Thread } from '../../src/core/thread.js';
import { evalAgents } from '../../src/evals/eval-agents.js';
import { parseEvalCase, type EvalCase } from '../../src/evals/eval-case.js';
import { caseItem } from '../../src/evals/eval-items.js';
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
const item = (c: EvalCase) => caseItem(c, registry, channelUpcasters(channels));
const prose = 'Sure, I will make that issue for the Operations team right away.';

/** The scenario, except that the model's first reply is prose with no step in it. */
async function runWithARejectedReply(): Promise<{ thread: Thread; rejectedSeq: number }> {
  const { thread } = await runScenario(llm, {}, (stub) =>
    stub.script(prose, { intent: 'list_teams' }, createIssueStep, { intent: 'done_for_now', message: 'Created OPS-42.' }),
  );
  const rejected = thread.events.find((e) => e.type === 'step_rejected');
  if (rejected === undefined) throw new Error(`no step_rejected in ${thread.events.map((e) => e.type).join(', ')}`);
  return { thread, rejectedSeq: rejected.seq };
}

function roundTrip(c: EvalCase): EvalCase {
  const read = parseEvalCase(JSON.stringify(c, null, 2));
  if (!read.ok) throw new Error(read.problem);
  return read.case;
}

const stub = () => [{ kind: 'model' as const, label: 'stub', llm: { provider: 'openai-compatible' as const, model: 'stub', baseUrl: llm.baseUrl, timeoutMs: 10_000, maxRetries: 0 } }];

describe('export a rejected reply as an eval case', () => {
  it('records the raw reply and the rejection, asserts no intent; offline it fails as parse, as in the thread', async () => {
    const { thread, rejectedSeq } = await runWithARejectedReply();
    const c = roundTrip(exportCase(thread, { upto: rejectedSeq, exportedAt: 'now' }));
    expect(c.step).toEqual({ seq: rejectedSeq, rejected: expect.stringMatching(/.+/), raw: prose, model: 'stub' });
    expect(c.name).toBe(`${thread.id}-${rejectedSeq}-rejected`);
    expect(c.assert).toEqual({ require: [], forbidIntents: [] });
    expect(c.events).toHaveLength(rejectedSeq - 1);
    const [result] = await runEvals([item(c)], [{ kind: 'offline', label: 'offline' }], { concurrency: 1 });
    expect(result).toMatchObject({ passed: false, intent: null, failures: [{ name: 'parse', detail: expect.stringMatching(/does not parse/) }] });
  }, 60_000);

  it('against a model: a step the agent accepts passes; prose again fails as parse; a flag still asserts the intent', async () => {
    const { thread, rejectedSeq } = await runWithARejectedReply();
    const c = roundTrip(exportCase(thread, { upto: rejectedSeq, exportedAt: 'now' }));
    const flagged = roundTrip(exportCase(thread, { upto: rejectedSeq, exportedAt: 'now', name: 'lists-teams', assert: { intent: 'list_teams' } }));
    llm.reset();
    llm.script({ intent: 'list_teams' }, prose, { intent: 'list_users' });
    const results = await runEvals([item(c), item(c), item(flagged)], stub(), { concurrency: 1 });
    expect(results.map((r) => [r.passed, r.intent, r.failures.map((f) => f.name)])).toEqual([
      [true, 'list_teams', []],
      [false, null, ['parse']],
      [false, 'list_users', ['intent']],
    ]);
    // The model was sent the thread as it stood when the reply came: the person's request, nothing after.
    expect(llm.requests[0]?.prompt).toContain('restock the fridges');
    expect(llm.requests[0]?.prompt).not.toContain('<list_teams');
    // Where the thread had gone on, the step is rendered under that tag.
    expect(item(exportCase(thread, { upto: stepSeq(thread.events, 'create_issue'), exportedAt: 'now' })).context).toContain('<list_teams');
  }, 60_000);

  it('a thread whose later steps were accepted still exports its last accepted step by default', async () => {
    const { thread } = await runWithARejectedReply();
    expect(exportCase(thread, { exportedAt: 'now' }).step).toMatchObject({ intent: 'done_for_now' });
    expect(exportCase(thread, { upto: stepSeq(thread.events, 'create_issue'), exportedAt: 'now' }).step).toMatchObject({ intent: 'create_issue' });
  }, 60_000);

  it('a case file whose step has both an intent and a rejection, or neither, is refused', () => {
    const base = { version: 1, name: 'x', agent: 'linear-assistant', source: { thread: 't', exportedAt: 'now' }, events: [], assert: {} };
    const read = (step: object) => parseEvalCase(JSON.stringify({ ...base, step: { seq: 1, raw: '', ...step } }));
    expect(read({ rejected: 'no step' })).toMatchObject({ ok: true });
    expect(read({ intent: 'list_teams', args: {} })).toMatchObject({ ok: true });
    expect(read({ intent: 'list_teams', args: {}, rejected: 'no step' })).toMatchObject({ ok: false, problem: expect.stringMatching(/not both/) });
    expect(read({})).toMatchObject({ ok: false, problem: expect.stringMatching(/not both/) });
  });
});
