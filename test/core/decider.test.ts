import { describe, expect, it } from 'vitest';
import type { StepUsage } from '../../src/core/events.js';
import type { CallId } from '../../src/core/ids.js';
import { decide } from '../../src/core/decider.js';
import { sequentialIds } from '../../src/core/ids.js';
import { foldState } from '../../src/core/state.js';
import { deriveStatus, pendingCall } from '../../src/core/thread.js';
import { T0, call, decided, email, ev, thread } from './fixtures.js';
import { given, testAgent } from './given.js';

const usage: StepUsage = { model: 'stub', inputTokens: 10, outputTokens: 5, latencyMs: 3, raw: '{}' };
const modelSays = (value: unknown) => ({ type: 'record_model_outcome' as const, outcome: { kind: 'step' as const, value, usage } });
const start = ev('message_received', email('make an issue for Austin to restock the fridges'));
const badTeam = { issue: { title: 'Restock', team_id: 'wrong' } };
const failed = (n: number, intent = 'create_issue') =>
  ev('tool_failed', { callId: call(n), intent, error: { kind: 'invalid_input', message: 'teamId must be a UUID.', retryable: false } });

describe('decide: model steps', () => {
  it('records a tool step with a call id and an idempotency key', () => {
    const [e] = given(start).when(modelSays({ intent: 'list_teams' })).then({ type: 'step_decided', data: { intent: 'list_teams', args: {}, origin: 'model', usage } });
    expect(e?.type === 'step_decided' && e.data.idempotencyKey).toBe(`thr_test/${e?.type === 'step_decided' ? e.data.callId : ''}`);
  });

  it('pauses a sensitive step for approval, enforced in code', () => {
    given(start)
      .when(modelSays({ intent: 'update_issue', issue_ids: ['OPS-1'], changes: { state_id: 'Done' } }))
      .then({ type: 'step_decided' }, { type: 'approval_requested', data: { intent: 'update_issue', policy: 'close_or_reassign' } });
  });

  it('records a question for the human as a step', () => {
    given(start).when(modelSays({ intent: 'request_more_information', message: 'Which team?' })).then({ type: 'step_decided', data: { intent: 'request_more_information', args: { message: 'Which team?' } } });
  });

  it('rejects an intent the agent does not have (no made-up capabilities)', () => {
    given(start).when(modelSays({ intent: 'delete_workspace' })).then({ type: 'step_rejected', data: { reason: 'unknown intent "delete_workspace"' } });
  });

  it('rejects malformed output with the parser’s reason', () => {
    given(start)
      .when({ type: 'record_model_outcome', outcome: { kind: 'invalid', reason: 'expected one of the step types', usage: { ...usage, raw: 'sure!' } } })
      .then({ type: 'step_rejected', data: { reason: 'expected one of the step types', raw: 'sure!' } });
  });

  it('escalates after the configured number of consecutive failures instead of looping', () => {
    const rejected = ev('step_rejected', { reason: 'bad', raw: 'x' });
    given(start, rejected, rejected)
      .when({ type: 'record_model_outcome', outcome: { kind: 'invalid', reason: 'bad again', usage } })
      .then({ type: 'step_rejected' }, { type: 'escalated', data: { guard: 'consecutive_errors' } });
  });

  it('a success in between resets the failure count', () => {
    given(start, ev('step_rejected', { reason: 'bad', raw: 'x' }), ev('step_decided', decided(1, 'list_teams')), ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: [] }), ev('step_rejected', { reason: 'bad', raw: 'x' }))
      .when({ type: 'record_model_outcome', outcome: { kind: 'invalid', reason: 'bad', usage } })
      .then({ type: 'step_rejected' });
  });

  it('escalates the same failing call with the same arguments instead of running it twice', () => {
    given(start, ev('step_decided', decided(1, 'create_issue', badTeam)), failed(1))
      .when(modelSays({ intent: 'create_issue', ...badTeam }))
      .then({ type: 'escalated', data: { guard: 'same_failing_call', proposed: { intent: 'create_issue', args: badTeam } } });
  });

  it('allows a corrected call after a failure', () => {
    given(start, ev('step_decided', decided(1, 'create_issue', badTeam)), failed(1))
      .when(modelSays({ intent: 'create_issue', issue: { title: 'Restock', team_id: 'team-123' } }))
      .then({ type: 'step_decided' });
  });

  it('stops an identical successful call repeated', () => {
    given(start, ev('step_decided', decided(1, 'list_teams')), ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: [] }))
      .when(modelSays({ intent: 'list_teams' }))
      .then({ type: 'escalated', data: { guard: 'repeated_call' } });
  });

  it('allows a repeated read after a write, and a repeat of prefetched context', () => {
    given(
      start,
      ev('step_decided', decided(1, 'list_teams')),
      ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: [] }),
      ev('step_decided', decided(2, 'create_issue', badTeam)),
      ev('tool_succeeded', { callId: call(2), intent: 'create_issue', result: {} }),
    )
      .when(modelSays({ intent: 'list_teams' }))
      .then({ type: 'step_decided' });
    given(start, ev('step_decided', { ...decided(1, 'list_teams'), origin: 'prefetch' }), ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: [] }))
      .when(modelSays({ intent: 'list_teams' }))
      .then({ type: 'step_decided' });
  });

  it('escalates at max steps since the last human input', () => {
    const steps = [1, 2].flatMap((n) => [ev('step_decided', decided(n, 'request_more_information', { message: `q${n}` })), ev('human_replied', { channel: 'email', message: 'a' })]);
    given(start, ...steps, ev('step_decided', decided(3, 'create_issue', { n: 1 })), ev('tool_succeeded', { callId: call(3), intent: 'create_issue', result: {} }), ev('step_decided', decided(4, 'create_issue', { n: 2 })), ev('tool_succeeded', { callId: call(4), intent: 'create_issue', result: {} }))
      .when(modelSays({ intent: 'done_for_now', message: 'ok' }), { maxSteps: 2, maxConsecutiveErrors: 3 })
      .then({ type: 'escalated', data: { guard: 'max_steps' } });
  });

  it('#9.9: escalates before the model is called once the step budget is spent, with no proposed step', () => {
    const limits = { maxSteps: 2, maxConsecutiveErrors: 3 };
    const oneStep = [start, ev('step_decided', decided(1, 'list_teams')), ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: [] })];
    given(...oneStep).when({ type: 'check_step_budget' }, limits).then();
    const [e] = given(...oneStep, ev('step_rejected', { reason: 'bad', raw: 'x' }))
      .when({ type: 'check_step_budget' }, limits)
      .then({ type: 'escalated', data: { guard: 'max_steps', reason: '2 steps since the last human input (limit 2)' } });
    expect(e?.type === 'escalated' && e.data.proposed).toBeUndefined();
    given(...oneStep, ev('step_rejected', { reason: 'bad', raw: 'x' }), ev('human_replied', { channel: 'api', message: 'go on' }))
      .when({ type: 'check_step_budget' }, limits)
      .then();
  });

  it('records an unreachable model as a failure the guards count', () => {
    given(start).when({ type: 'record_model_outcome', outcome: { kind: 'unavailable', reason: 'HTTP 503', retryable: true } }).then({ type: 'model_failed', data: { reason: 'HTTP 503', retryable: true } });
  });
});

describe('decide: tool outcomes', () => {
  it('records a result under the call id', () => {
    given(start, ev('step_decided', decided(1, 'list_teams')))
      .when({ type: 'record_tool_outcome', callId: call(1), outcome: { ok: true, result: { teams: [] } } })
      .then({ type: 'tool_succeeded', data: { callId: call(1), intent: 'list_teams', result: { teams: [] } } });
  });

  it('records an error as data the model will see', () => {
    given(start, ev('step_decided', decided(1, 'create_issue', badTeam)))
      .when({ type: 'record_tool_outcome', callId: call(1), outcome: { ok: false, error: { kind: 'invalid_input', message: 'teamId must be a UUID.', retryable: false } } })
      .then({ type: 'tool_failed', data: { intent: 'create_issue', error: { kind: 'invalid_input' } } });
  });

  it('refuses an outcome for a call that was never decided', () => {
    given(start).when({ type: 'record_tool_outcome', callId: 'call_nope' as CallId, outcome: { ok: true, result: null } }).thenThrows('invalid_state');
  });
});

describe('decide: human input', () => {
  const awaitingApproval = [start, ev('step_decided', decided(1, 'update_issue', { issue_ids: ['OPS-1'] })), ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 'close OPS-1', policy: 'close_or_reassign' })];

  it('grants the pending approval by its call id', () => {
    given(...awaitingApproval).when({ type: 'human_input', from: { channel: 'api', id: 'alex@company.com' }, input: { kind: 'decision', approve: true } }).then({ type: 'approval_granted', data: { callId: call(1), by: 'alex@company.com' } });
  });

  it('denies with the reason as feedback', () => {
    given(...awaitingApproval).when({ type: 'human_input', from: { channel: 'api', id: 'alex@company.com' }, input: { kind: 'decision', approve: false, reason: 'assign to Sarah instead' } }).then({ type: 'approval_denied', data: { callId: call(1), reason: 'assign to Sarah instead' } });
  });

  it('refuses an approval when none is pending', () => {
    given(start).when({ type: 'human_input', from: { channel: 'api', id: 'x' }, input: { kind: 'decision', approve: true } }).thenThrows('invalid_state');
  });

  it('records a reply', () => {
    given(start, ev('step_decided', decided(1, 'request_more_information', { message: 'Which team?' })))
      .when({ type: 'human_input', from: { channel: 'api' }, input: { kind: 'answer', text: 'Operations' } })
      .then({ type: 'human_replied', data: { channel: 'api', message: 'Operations' } });
  });
});

describe('decide: a human retries', () => {
  const retry = { type: 'human_input' as const, from: { channel: 'api', id: 'alex@company.com' }, input: { kind: 'retry' as const } };
  const modelDown = ev('model_failed', { reason: 'openai-compatible HTTP 401: bad key', retryable: false });
  const escalated = ev('escalated', { guard: 'consecutive_errors', reason: '3 failures in a row (limit 3)' });

  it('#9.5: a failed thread is retried: the event counts as human input and the thread is ready again', () => {
    given(start, modelDown).when(retry).then({ type: 'retry_requested', data: { by: 'alex@company.com', channel: 'api' } });
    expect(deriveStatus(thread(start, modelDown).events, testAgent.humanIntents)).toBe('failed');
    expect(deriveStatus(thread(start, modelDown, ev('retry_requested', { by: 'alex@company.com', channel: 'api' })).events, testAgent.humanIntents)).toBe('ready');
    given(start, ev('thread_failed', { reason: 'no agent' })).when(retry).then({ type: 'retry_requested' });
  });

  it('#9.5: an escalated thread is retried, even after the escalation was mailed, and the guards count afresh', () => {
    const rejected = ev('step_rejected', { reason: 'bad', raw: 'x' });
    const mailed = ev('message_sent', { channel: 'email', to: ['a@b'], inResponseTo: 'evt_g5' as never });
    given(start, rejected, rejected, rejected, escalated, mailed).when(retry).then({ type: 'retry_requested' });
    const retried = ev('retry_requested', { by: 'a', channel: 'cli' });
    given(start, rejected, rejected, rejected, escalated, retried)
      .when({ type: 'record_model_outcome', outcome: { kind: 'invalid', reason: 'bad again', usage } })
      .then({ type: 'step_rejected' });
    const limits = { maxSteps: 2, maxConsecutiveErrors: 3 };
    const maxed = [start, rejected, ev('step_decided', decided(1, 'list_teams')), ev('escalated', { guard: 'max_steps', reason: 'r' })];
    given(...maxed).when({ type: 'check_step_budget' }, limits).then({ type: 'escalated' });
    given(...maxed, retried).when({ type: 'check_step_budget' }, limits).then();
  });

  it('#9.5: retry is refused (invalid_state) for a thread that has not failed or been escalated', () => {
    given(start).when(retry).thenThrows('invalid_state');
    given(start, ev('step_decided', decided(1, 'request_more_information', { message: 'Which team?' }))).when(retry).thenThrows('invalid_state');
    given(start, ev('step_decided', decided(1, 'update_issue', {})), ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 's', policy: 'p' }))
      .when(retry)
      .thenThrows('invalid_state');
    given(start, ev('step_decided', decided(1, 'done_for_now', { message: 'done' }))).when(retry).thenThrows('invalid_state');
    given(start, escalated, ev('human_replied', { channel: 'email', message: 'try Operations' })).when(retry).thenThrows('invalid_state');
  });

  it('#9.5: a retried thread resumes from its events: a pending tool call is run again, not decided anew', () => {
    const t = thread(start, ev('step_decided', decided(1, 'create_issue', { n: 1 })), ev('escalated', { guard: 'run_failed', reason: 'r' }), ev('retry_requested', { by: 'a', channel: 'cli' }));
    expect(deriveStatus(t.events, testAgent.humanIntents)).toBe('ready');
    expect(pendingCall(t.events, testAgent.humanIntents)?.data.callId).toBe(call(1));
  });
});

describe('decide: facts come from the state it is given', () => {
  const ctx = { agent: testAgent, limits: { maxSteps: 2, maxConsecutiveErrors: 3 }, ids: sequentialIds(), clock: { now: () => new Date(T0) } };
  const bare = thread(start);

  it('the step budget and the pending approval are read from the state the loop holds, not from rescanning events', () => {
    const spent = foldState(thread(start, ev('step_rejected', { reason: 'bad', raw: 'x' }), ev('step_rejected', { reason: 'bad', raw: 'x' })).events, testAgent.humanIntents);
    expect(decide({ thread: bare, state: spent }, { type: 'check_step_budget' }, ctx).map((e) => e.type)).toEqual(['escalated']);
    expect(decide(bare, { type: 'check_step_budget' }, ctx)).toEqual([]);
    const asking = foldState(thread(start, ev('step_decided', decided(1, 'update_issue', {})), ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 's', policy: 'p' })).events, testAgent.humanIntents);
    expect(decide({ thread: bare, state: asking }, { type: 'human_input', from: { channel: 'api', id: 'a' }, input: { kind: 'decision', approve: true } }, ctx)[0]?.data).toMatchObject({ callId: call(1) });
  });
});

describe('decide: runs that fail outside the loop', () => {
  it('#9.4b: escalates to a human with the short cause, and a human may then retry', () => {
    given(start)
      .when({ type: 'record_run_failure', failures: 5, cause: 'Error: unsupported Unicode escape sequence' })
      .then({ type: 'escalated', data: { guard: 'run_failed', reason: 'the run failed 5 times in a row outside the agent (Error: unsupported Unicode escape sequence); a human can retry it' } });
    const t = thread(start, ev('escalated', { guard: 'run_failed', reason: 'r' }));
    expect(deriveStatus(t.events, testAgent.humanIntents)).toBe('awaiting_human');
    given(start, ev('escalated', { guard: 'run_failed', reason: 'r' })).when({ type: 'human_input', from: { channel: 'api', id: 'a' }, input: { kind: 'retry' } }).then({ type: 'retry_requested' });
  });
});

describe('status and pending calls are derived from events', () => {
  it('follows the thread through its life', () => {
    const steps = [
      [start, 'ready'],
      [ev('step_decided', decided(1, 'update_issue', {})), 'ready'],
      [ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 's', policy: 'p' }), 'awaiting_approval'],
      [ev('approval_granted', { callId: call(1), by: 'a' }), 'ready'],
      [ev('tool_succeeded', { callId: call(1), intent: 'update_issue', result: {} }), 'ready'],
      [ev('step_decided', decided(2, 'request_more_information', { message: 'q' })), 'awaiting_human'],
      [ev('message_sent', { channel: 'email', to: ['a@b'], inResponseTo: 'evt_g6' as never }), 'awaiting_human'],
      [ev('human_replied', { channel: 'email', message: 'a' }), 'ready'],
      [ev('step_decided', decided(3, 'done_for_now', { message: 'done' })), 'done'],
      [ev('escalated', { guard: 'g', reason: 'r' }), 'awaiting_human'],
      [ev('thread_failed', { reason: 'r' }), 'failed'],
    ] as const;
    for (let n = 1; n <= steps.length; n++) {
      const t = thread(...steps.slice(0, n).map(([e]) => e));
      expect(deriveStatus(t.events, testAgent.humanIntents)).toBe(steps[n - 1]?.[1]);
    }
  });

  it('a decided step without a result is pending until it has one', () => {
    const t = thread(start, ev('step_decided', decided(1, 'list_teams')), ev('step_decided', decided(2, 'list_teams', { x: 1 })), ev('tool_succeeded', { callId: call(2), intent: 'list_teams', result: [] }));
    expect(pendingCall(t.events, testAgent.humanIntents)?.data.callId).toBe(call(1));
  });

  it('a denied step, or one superseded by feedback, is never pending', () => {
    const base = [start, ev('step_decided', decided(1, 'update_issue', {})), ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 's', policy: 'p' })];
    expect(pendingCall(thread(...base).events, testAgent.humanIntents)).toBeDefined();
    expect(pendingCall(thread(...base, ev('approval_denied', { callId: call(1), by: 'a' })).events, testAgent.humanIntents)).toBeUndefined();
    expect(pendingCall(thread(...base, ev('human_replied', { channel: 'email', message: 'change the title first' })).events, testAgent.humanIntents)).toBeUndefined();
  });
});

describe('late approvals', () => {
  it('a grant after feedback does not revive the superseded step', () => {
    const base = [ev('message_received', email('x')), ev('step_decided', decided(1, 'update_issue', {})), ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 's', policy: 'p' })];
    const late = thread(...base, ev('human_replied', { channel: 'email', message: 'change the title first' }), ev('approval_granted', { callId: call(1), by: 'a' }));
    expect(pendingCall(late.events, testAgent.humanIntents)).toBeUndefined();
    const inTime = thread(...base, ev('approval_granted', { callId: call(1), by: 'a' }), ev('human_replied', { channel: 'email', message: 'thanks' }));
    expect(pendingCall(inTime.events, testAgent.humanIntents)?.data.callId).toBe(call(1));
  });
});
