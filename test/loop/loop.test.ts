import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { loopHarness, THREAD_TAIL, threadPart, type Harness } from './harness.js';

let llm: StubLlm;
let h: Harness | undefined;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  await h?.close();
  h = undefined;
  llm.reset();
});

const teams = { teams: [{ id: 'team-123', key: 'OPS', name: 'Operations', members: [{ id: 'user-456', name: 'Austin' }] }] };
const createArgs = { issue: { title: 'Restock the fridges', team_id: 'team-123', assignee_id: 'user-456' } };

describe('the loop, through the real BAML runtime', () => {
  it('runs a whole scenario to done, each prompt a byte prefix of the next', async () => {
    h = await loopHarness(llm, {
      list_teams: async () => teams,
      create_issue: async () => ({ id: 'issue-1', identifier: 'OPS-42', url: 'https://linear.app/company/issue/OPS-42' }),
    });
    llm.script({ intent: 'list_teams' }, { intent: 'create_issue', ...createArgs }, { intent: 'done_for_now', message: 'Created OPS-42 for Austin.' });
    const id = await h.start('make an issue for Austin to restock the fridges');
    const result = await h.run(id);
    expect(result).toMatchObject({ outcome: 'paused', status: 'done' });
    expect(h.calls.map((c) => c.intent)).toEqual(['list_teams', 'create_issue']);
    expect(h.calls[1]?.args).toEqual(createArgs);
    const thread = await h.thread(id);
    expect(thread.events.map((e) => e.type)).toEqual([
      'message_received', 'step_decided', 'tool_succeeded', 'step_decided', 'tool_succeeded', 'step_decided',
    ]);
    const decided = thread.events.filter((e) => e.type === 'step_decided');
    for (const e of decided) {
      expect(e.data.usage?.model).toBe('stub');
      expect(e.data.usage?.inputTokens).toBeGreaterThan(0);
      expect(e.data.usage?.raw).toContain(e.data.intent);
    }
    const prompts = llm.requests.map((r) => threadPart(r.prompt));
    expect(prompts).toHaveLength(3);
    expect(prompts[1]?.startsWith(prompts[0] ?? '∅')).toBe(true);
    expect(prompts[2]?.startsWith(prompts[1] ?? '∅')).toBe(true);
    expect(prompts[2]).toContain('<issue_create_result>');
    // The whole prompt, system rules and output format included, extends the last one but for the closing question.
    const whole = llm.requests.map((r) => r.prompt);
    const head = (p: string): string => p.slice(0, p.lastIndexOf(THREAD_TAIL)).trimEnd();
    expect(whole[1]?.startsWith(head(whole[0] ?? '∅'))).toBe(true);
    expect(whole[2]?.startsWith(head(whole[1] ?? '∅'))).toBe(true);
    expect(head(whole[0] ?? '').length / (whole[0]?.length ?? 1)).toBeGreaterThan(0.95);
  });

  it('turns malformed output into an event with the parser’s reason and asks again', async () => {
    h = await loopHarness(llm, { list_teams: async () => teams });
    llm.script('Sure! I will list the teams for you.', { intent: 'list_teams' }, { intent: 'done_for_now', message: 'ok' });
    const id = await h.start('what teams are there?');
    expect(await h.run(id)).toMatchObject({ outcome: 'paused', status: 'done' });
    const thread = await h.thread(id);
    const rejected = thread.events.find((e) => e.type === 'step_rejected');
    expect(rejected?.type === 'step_rejected' && rejected.data.raw).toBe('Sure! I will list the teams for you.');
    expect(rejected?.type === 'step_rejected' && rejected.data.reason.length).toBeGreaterThan(5);
    expect(threadPart(llm.requests[1]?.prompt ?? '')).toContain('<error>\n    your last reply was not a valid next step:');
  });

  it('rejects a step that fails validation (a made-up intent, a missing field) as data', async () => {
    h = await loopHarness(llm, { list_teams: async () => teams });
    llm.script({ intent: 'create_issue', issue: { title: '' , team_id: 'x' } }, { intent: 'done_for_now', message: 'ok' });
    const id = await h.start('make an issue');
    await h.run(id);
    const thread = await h.thread(id);
    expect(thread.events.map((e) => e.type)).toEqual(['message_received', 'step_rejected', 'step_decided']);
    expect(h.calls).toEqual([]);
  });

  it('never acts on a reply cut off by the token limit, even when it parses', async () => {
    h = await loopHarness(llm, { list_teams: async () => teams });
    llm.script({ finishReason: 'length', content: { intent: 'list_teams' } }, { intent: 'done_for_now', message: 'ok' });
    const id = await h.start('teams?');
    await h.run(id);
    const rejected = (await h.thread(id)).events.find((e) => e.type === 'step_rejected');
    expect(rejected?.type === 'step_rejected' && rejected.data.reason).toBe('the reply was cut off (finish_reason=length)');
    expect(h.calls).toEqual([]);
  });

  it('escalates to a human after consecutive unusable replies instead of looping', async () => {
    h = await loopHarness(llm, {}, { limits: { maxSteps: 20, maxConsecutiveErrors: 3 } });
    llm.script('nope', 'still not json', '{"intent": ');
    const id = await h.start('hello');
    expect(await h.run(id)).toMatchObject({ outcome: 'paused', status: 'awaiting_human' });
    const types = (await h.thread(id)).events.map((e) => e.type);
    expect(types).toEqual(['message_received', 'step_rejected', 'step_rejected', 'step_rejected', 'escalated']);
    expect(llm.remaining()).toBe(0);
    expect(llm.requests).toHaveLength(3);
  });

  it('#9.9: at MAX_STEPS=N the model gets exactly N calls, then the thread is escalated without a wasted call', async () => {
    const n = 3;
    h = await loopHarness(llm, { search_issues: async () => ({ issues: [] }) }, { limits: { maxSteps: n, maxConsecutiveErrors: 3 } });
    llm.script(
      { intent: 'search_issues', query: 'fridge' },
      { intent: 'search_issues', query: 'fridges' },
      { intent: 'search_issues', query: 'restock' },
      { intent: 'search_issues', query: 'kitchen' },
    );
    const id = await h.start('find the fridge issue');
    expect(await h.run(id)).toMatchObject({ outcome: 'paused', status: 'awaiting_human' });
    expect(llm.requests).toHaveLength(n);
    expect(llm.remaining()).toBe(1);
    const last = (await h.thread(id)).events.at(-1);
    expect(last).toMatchObject({ type: 'escalated', data: { guard: 'max_steps', reason: `${n} steps since the last human input (limit ${n})` } });
    expect(last?.type === 'escalated' && last.data.proposed).toBeUndefined();
  });

  it('shows a tool error to the model, which recovers', async () => {
    let attempt = 0;
    h = await loopHarness(llm, {
      list_teams: async () => teams,
      create_issue: async (args) => {
        attempt++;
        if (JSON.stringify(args).includes('wrong')) throw new Error('invalid input: teamId must be a UUID.');
        return { identifier: 'OPS-1' };
      },
    });
    llm.script(
      { intent: 'create_issue', issue: { title: 'Restock', team_id: 'wrong' } },
      { intent: 'list_teams' },
      { intent: 'create_issue', issue: { title: 'Restock', team_id: 'team-123' } },
      { intent: 'done_for_now', message: 'OPS-1' },
    );
    const id = await h.start('make an issue');
    expect(await h.run(id)).toMatchObject({ status: 'done' });
    expect(attempt).toBe(2);
    expect(threadPart(llm.requests[1]?.prompt ?? '')).toContain('<error>\n    error running create_issue: invalid input: teamId must be a UUID.\n</error>');
  });

  it('fails a tool that ignores its deadline with a timeout the model sees', async () => {
    h = await loopHarness(llm, { search_issues: () => new Promise(() => {}) }, { toolTimeoutMs: 100 });
    llm.script({ intent: 'search_issues', query: 'fridge' }, { intent: 'done_for_now', message: 'Linear is slow.' });
    const id = await h.start('find the fridge issue');
    expect(await h.run(id)).toMatchObject({ status: 'done' });
    expect(h.calls.map((c) => c.intent)).toEqual(['search_issues']);
    const failed = (await h.thread(id)).events.find((e) => e.type === 'tool_failed');
    expect(failed?.type === 'tool_failed' && failed.data.error).toEqual({ kind: 'timeout', message: 'no answer within 100 ms', retryable: true });
    expect(threadPart(llm.requests[1]?.prompt ?? '')).toContain('error running search_issues: no answer within 100 ms');
  });

  it('retries a provider’s 429 and 5xx with backoff, bounded, then records the failure', async () => {
    h = await loopHarness(llm, {}, { maxRetries: 2, limits: { maxSteps: 20, maxConsecutiveErrors: 2 } });
    llm.script({ status: 429, retryAfterSeconds: 1 }, { status: 503 }, { intent: 'request_more_information', message: 'Which team?' });
    const id = await h.start('make an issue');
    expect(await h.run(id)).toMatchObject({ status: 'awaiting_human' });
    expect(llm.requests).toHaveLength(3);

    llm.reset();
    llm.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const other = await h.start('again');
    expect(await h.run(other)).toMatchObject({ status: 'awaiting_human' });
    const types = (await h.thread(other)).events.map((e) => e.type);
    expect(types).toEqual(['message_received', 'model_failed', 'model_failed', 'escalated']);
    expect(llm.requests).toHaveLength(6);
  });

  it('pauses before a sensitive tool and runs it only after approval', async () => {
    h = await loopHarness(llm, { update_issue: async () => ({ ok: true }) }, { approvalIntents: ['update_issue'] });
    const update = { intent: 'update_issue', issue_ids: ['OPS-1'], changes: { state_id: 'Done' } };
    llm.script(update, { intent: 'done_for_now', message: 'closed' });
    const id = await h.start('close OPS-1');
    expect(await h.run(id)).toMatchObject({ status: 'awaiting_approval' });
    expect(h.calls).toEqual([]);
    const decided = (await h.thread(id)).events.find((e) => e.type === 'step_decided');
    const callId = decided?.type === 'step_decided' ? decided.data.callId : undefined;
    await h.append(id, [{ id: 'evt_x1' as never, at: new Date().toISOString(), type: 'approval_granted', data: { by: 'alex@company.com', ...(callId ? { callId } : {}) } }]);
    expect(await h.run(id)).toMatchObject({ status: 'done' });
    expect(h.calls.map((c) => c.intent)).toEqual(['update_issue']);
  });

  it('resumes a step decided before a crash by re-running it with the same idempotency key', async () => {
    h = await loopHarness(llm, { create_issue: async () => ({ identifier: 'OPS-7' }) });
    const id = await h.start('make an issue');
    // The process died after committing the decision and before the tool ran.
    await h.append(id, [
      { id: 'evt_c1' as never, at: new Date().toISOString(), type: 'step_decided', data: { callId: 'call_crashed' as never, intent: 'create_issue', args: createArgs, idempotencyKey: `${id}/call_crashed`, origin: 'model' } },
    ]);
    llm.script({ intent: 'done_for_now', message: 'OPS-7' });
    expect(await h.run(id)).toMatchObject({ status: 'done' });
    expect(h.calls).toEqual([{ intent: 'create_issue', args: createArgs, idempotencyKey: `${id}/call_crashed` }]);
    expect(llm.requests).toHaveLength(1);
  });

  it('stops at once when aborted, appending nothing for the step in flight', async () => {
    h = await loopHarness(llm, {});
    llm.script({ delayMs: 5_000, then: { intent: 'done_for_now', message: 'late' } });
    const id = await h.start('slow');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    expect(await h.run(id, abort.signal)).toMatchObject({ outcome: 'aborted' });
    expect((await h.thread(id)).events.map((e) => e.type)).toEqual(['message_received']);
  });
});
