// #11.3 end to end: the Linear Assistant under a small context budget, through the real worker, the real BAML
// client against the scripted stub model, the local Linear workspace and the SQLite store. The model sees old
// results as one line each, fetches one again, and every prompt it saw renders again from the stored events.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Container } from '../../../src/app/container.js';
import { describeEvent } from '../../../src/cli/format.js';
import type { EventOf, ThreadEvent } from '../../../src/core/events.js';
import { randomIds, type ThreadId } from '../../../src/core/ids.js';
import { renderContext } from '../../../src/core/render.js';
import { inboundRenderers } from '../../../src/app/channel-events.js';
import { channels } from '../../../src/app/channels.js';
import type { LocalWorkspace } from '../../../src/linear/local-workspace/local-workspace.js';
import { startStubContainer } from '../../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../../support/stub-llm.js';
import { testWorkspace } from '../../support/workspace.js';
import { threadPart } from '../../loop/harness.js';
import { collapsedResult } from '../../../src/agents/linear-assistant/collapsed-result.js';

let llm: StubLlm;
let workspace: LocalWorkspace;
let c: Container | undefined;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
beforeEach(async () => {
  workspace = await testWorkspace();
});
afterEach(async () => {
  await c?.close();
  c = undefined;
  workspace.close();
});

/** Builds the program (which resets the stub's script: script it after) and a thread waiting for its first step. */
async function start(env: Record<string, string>, text: string): Promise<{ c: Container; id: ThreadId }> {
  c = await startStubContainer(llm, env, { linear: workspace });
  const id = randomIds.threadId();
  await c.store.create({ id, agent: 'linear-assistant', events: [{ id: randomIds.eventId(), at: new Date().toISOString(), type: 'message_received', data: { channel: 'api', from: 'alex@company.com', text } }] });
  return { c, id };
}

/** The context each model call was given, as the thread stood just before the step it decided. */
function contextBefore(events: readonly ThreadEvent[], step: EventOf<'step_decided'>, container: Container): string {
  const render = container.agents.get('linear-assistant')?.definition.render ?? {};
  return renderContext(
    events.filter((e) => e.seq < step.seq),
    { ...render, inbound: { ...inboundRenderers(channels), ...render.inbound } },
  );
}

describe('#11.3: the Linear Assistant under a context budget', () => {
  it('#11.3: after a human speaks, old results reach the model as one line naming the call; it fetches one again and sees it whole; every prompt renders again from the store', async () => {
    const [first, second] = await workspace.searchIssues({ limit: 2 });
    if (first === undefined || second === undefined) throw new Error('the seed has fewer than two issues');
    const { c, id } = await start({ CONTEXT_BUDGET_TOKENS: '200' }, `Look at ${first.identifier} and the latest issues.`);
    llm.script(
      { intent: 'get_issue', issue_id: first.identifier },
      { intent: 'search_issues', query: '' },
      { intent: 'request_more_information', message: `Should I compare ${first.identifier} with ${second.identifier}?` },
      // After the reply, the context is over the budget: the results above collapse before this step is asked for.
      { intent: 'get_issue', issue_id: first.identifier },
      { intent: 'done_for_now', message: 'Compared.' },
    );
    await c.worker.drain();
    expect(llm.requests).toHaveLength(3);
    await c.service.respond(id, { type: 'response', message: 'Yes, compare them.', from: 'alex@company.com', channel: 'api' });
    await c.worker.drain();
    expect(llm.requests).toHaveLength(5);

    const events = (await c.service.load(id)).events;
    expect(events.at(-1)).toMatchObject({ type: 'step_decided', data: { intent: 'done_for_now' } });
    const compactions = events.filter((e): e is EventOf<'context_compacted'> => e.type === 'context_compacted');
    // One compaction: the re-fetch came after the human spoke, so nothing more could collapse.
    expect(compactions).toHaveLength(1);
    const [compaction] = compactions;
    if (compaction === undefined) throw new Error('no compaction');
    const reply = events.find((e) => e.type === 'human_replied');
    expect(compaction.seq).toBeGreaterThan(reply?.seq ?? Infinity);
    const results = events.filter((e) => e.type === 'tool_succeeded');
    expect(compaction.data.collapsed.map((r) => r.seq)).toEqual(results.filter((r) => r.seq < (reply?.seq ?? 0)).map((r) => r.seq));
    expect(compaction.data.budgetTokens).toBe(200);
    expect(compaction.data.tokensBefore).toBeGreaterThan(200);
    expect(compaction.data.tokensAfter).toBeLessThan(compaction.data.tokensBefore);

    const line = `get_issue_result for ${first.identifier} collapsed: call get_issue with issue_id ${first.identifier} to see it again`;
    const afterReply = threadPart(llm.requests[3]?.prompt ?? '');
    expect(afterReply).toContain(`<get_issue_result>\n    ${line}\n</get_issue_result>`);
    expect(afterReply).toMatch(/search_issues_result \(\d+ issues\) collapsed: call search_issues with query "" to see it again/);
    expect(afterReply).not.toContain(first.title);
    // The fetch again: the model's step after the one-line form, and its whole result in the next prompt.
    const last = threadPart(llm.requests[4]?.prompt ?? '');
    expect(last.split(first.title).length - 1).toBe(1);
    expect(last).toContain(line);

    // Every prompt the model saw is the stored events rendered again (plus the fixed parts of the prompt).
    const steps = events.filter((e): e is EventOf<'step_decided'> => e.type === 'step_decided');
    expect(steps).toHaveLength(5);
    steps.forEach((step, n) => expect(threadPart(llm.requests[n]?.prompt ?? '')).toContain(contextBefore(events, step, c)));

    // The API lists the event like any other, and rebuilds each step's context from the log with it.
    const detail = z.object({ events: z.array(z.object({ seq: z.number(), type: z.string() })) }).parse(await (await c.app.request(`/v1/threads/${id}`)).json());
    expect(detail.events.filter((e) => e.type === 'context_compacted').map((e) => e.seq)).toEqual([compaction.seq]);
    const contexts = z.object({ steps: z.array(z.object({ before_seq: z.number(), context: z.string() })) }).parse(await (await c.app.request(`/v1/threads/${id}/context`)).json());
    expect(contexts.steps.find((s) => s.before_seq === steps[3]?.seq)?.context).toContain(line);
    expect(describeEvent(compaction)).toBe(
      `⇣ context compacted: 2 old result(s) collapsed (seq ${compaction.data.collapsed.map((r) => r.seq).join(', ')}), ${compaction.data.tokensBefore}→${compaction.data.tokensAfter} tokens, budget 200`,
    );
  });

  it('#11.3: with the budget off (0) or above the thread, nothing is recorded and the results stay whole', async () => {
    const [first] = await workspace.searchIssues({ limit: 1 });
    if (first === undefined) throw new Error('the seed has no issue');
    for (const budget of ['0', '100000']) {
      const run = await start({ CONTEXT_BUDGET_TOKENS: budget }, `Look at ${first.identifier}.`);
      llm.script(
        { intent: 'get_issue', issue_id: first.identifier },
        { intent: 'request_more_information', message: 'Anything else?' },
        { intent: 'done_for_now', message: 'Done.' },
      );
      await run.c.worker.drain();
      await run.c.service.respond(run.id, { type: 'response', message: 'No, thanks.', from: 'alex@company.com', channel: 'api' });
      await run.c.worker.drain();
      const events = (await run.c.service.load(run.id)).events;
      expect(events.some((e) => e.type === 'context_compacted')).toBe(false);
      expect(threadPart(llm.requests.at(-1)?.prompt ?? '')).toContain(first.title);
      await run.c.close();
      c = undefined;
    }
  });
});

describe('#11.3: how the Linear Assistant names a collapsed result', () => {
  const result = (intent: string, value: EventOf<'tool_succeeded'>['data']['result']) =>
    ({ id: 'evt_r', seq: 3, at: '', type: 'tool_succeeded', data: { callId: 'call_1', intent, result: value } }) as EventOf<'tool_succeeded'>;
  const step = (intent: string, args: EventOf<'step_decided'>['data']['args']) =>
    ({ id: 'evt_s', seq: 2, at: '', type: 'step_decided', data: { callId: 'call_1', intent, args, idempotencyKey: 'k', origin: 'model' } }) as EventOf<'step_decided'>;

  it('#11.3: a read by the call that shows it again; a change by the read that shows what it changed, never by itself', () => {
    expect(collapsedResult(result('get_issue', { issue: { identifier: 'OPS-12' } }), step('get_issue', { issue_id: 'OPS-12' }))).toBe(
      'get_issue_result for OPS-12 collapsed: call get_issue with issue_id OPS-12 to see it again',
    );
    expect(collapsedResult(result('list_users', { users: [] }), step('list_users', { team_id: 'team-1' }))).toBe(
      'list_users_result for team team-1 collapsed: call list_users with team_id team-1 to see it again',
    );
    expect(collapsedResult(result('create_issue', { issue: { identifier: 'OPS-13' } }), step('create_issue', { issue: { title: 'x', team_id: 't' } }))).toBe(
      'create_issue_result for OPS-13 collapsed: OPS-13 was created; call get_issue with issue_id OPS-13 to see it again',
    );
    const update = collapsedResult(result('update_issue', { updated: [{ identifier: 'OPS-1' }, { identifier: 'OPS-2' }] }), step('update_issue', { issue_ids: ['OPS-1', 'OPS-2'], changes: {} }));
    expect(update).toBe('update_issue_result for OPS-1, OPS-2 collapsed: the update was applied; call get_issue with issue_id OPS-1 to see an issue again');
    expect(update).not.toContain('call update_issue');
  });
});
