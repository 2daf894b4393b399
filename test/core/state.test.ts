import { describe, expect, it } from 'vitest';
import { humanInputTypes, type EventDataByType, type EventType, type ThreadEvent } from '../../src/core/events.js';
import type { ProposedCall } from '../../src/core/guards.js';
import { oldestFirst } from '../../src/core/stack.js';
import { approvalOf, createEvolve, foldState, initialState, retryAllowed, statusAfter, type ThreadState } from '../../src/core/state.js';
import { deriveStatus, statusAfter as statusAfterFromThread } from '../../src/core/thread.js';
import { defaultHumanIntents } from './scan-oracle.js';
import { call, decided, email, ev, thread } from './fixtures.js';
import { simulate } from './simulate.js';
import { foldComparing } from './state-views.js';

type Init = { type: EventType; data: EventDataByType[EventType] };

/** given(events): evolve one event at a time, then read the state. */
function given(...inits: Init[]): ThreadState {
  const evolve = createEvolve(defaultHumanIntents);
  return thread(...inits).events.reduce(evolve, initialState());
}

const start = ev('message_received', email('make an issue for Austin to restock the fridges'));
const update = ev('step_decided', decided(1, 'update_issue', { issue_ids: ['OPS-1'] }));
const requested = ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 'close OPS-1', policy: 'p' });
const question = ev('step_decided', decided(2, 'request_more_information', { message: 'Which team?' }));
const reply = (message: string, messageId?: string) => ev('human_replied', { channel: 'email', message, ...(messageId ? { messageId } : {}) });

describe('evolve: given events, evolved one at a time, then state', () => {
  it('a new thread is ready, with nothing pending and nothing decided', () => {
    const s = initialState();
    expect(s).toMatchObject({ lastSeq: 0, status: 'ready', pendingCall: undefined, pendingApproval: undefined, anyDecided: false, pendingNotifications: [] });
  });

  it('keeps the first event and the last human input, whatever came between', () => {
    const s = given(start, question, ev('human_replied', { channel: 'email', from: 'user@example.com', message: 'Operations' }), ev('step_decided', decided(3, 'list_teams')));
    expect(s.firstEvent?.type).toBe('message_received');
    expect(s.lastHumanInput).toMatchObject({ channel: 'email', from: 'user@example.com', event: { type: 'human_replied', seq: 3 } });
    expect(s.lastSeq).toBe(4);
    expect(s.anyDecided).toBe(true);
  });

  it('the last human input names the channel it came by and its sender, for the notifier of that channel', () => {
    expect(given(start).lastHumanInput).toMatchObject({ from: 'user@example.com', event: { type: 'message_received' } });
    expect(given(start, question, ev('message_received', { channel: 'slack', from: 'U123', text: 'Ops' })).lastHumanInput).toMatchObject({ channel: 'slack', from: 'U123' });
    expect(given(start, ev('escalated', { guard: 'g', reason: 'r' }), ev('retry_requested', { by: 'alex', channel: 'cli' })).lastHumanInput).toMatchObject({ channel: 'cli', from: 'alex' });
    const approved = given(start, update, requested, ev('approval_granted', { callId: call(1), by: 'alex@company.com' }), ev('tool_succeeded', { callId: call(1), intent: 'update_issue', result: {} }));
    expect(approved.lastHumanInput).toMatchObject({ from: 'alex@company.com', event: { type: 'approval_granted' } });
  });

  it('a sensitive step is pending until its outcome; approval state follows request, grant and outcome', () => {
    expect(given(start, update).pendingCall?.data.callId).toBe(call(1));
    const asked = given(start, update, requested);
    expect([asked.status, approvalOf(asked, call(1)), asked.pendingApproval?.seq]).toEqual(['awaiting_approval', 'pending', 3]);
    const granted = given(start, update, requested, ev('approval_granted', { callId: call(1), by: 'a' }));
    expect([granted.status, approvalOf(granted, call(1)), granted.pendingApproval, granted.pendingCall?.data.callId]).toEqual(['ready', 'granted', undefined, call(1)]);
    const ran = given(start, update, requested, ev('approval_granted', { callId: call(1), by: 'a' }), ev('tool_succeeded', { callId: call(1), intent: 'update_issue', result: {} }));
    expect(ran.pendingCall).toBeUndefined();
    expect(oldestFirst(ran.toolResults).map((e) => e.data.callId)).toEqual([call(1)]);
  });

  it('a denied step and one superseded by feedback are never pending; a grant after the feedback does not revive it', () => {
    expect(given(start, update, requested, ev('approval_denied', { callId: call(1), by: 'a' })).pendingCall).toBeUndefined();
    const feedback = given(start, update, requested, reply('change the title first'));
    expect([feedback.pendingCall, approvalOf(feedback, call(1)), feedback.pendingApproval?.data.callId]).toEqual([undefined, 'pending', call(1)]);
    expect(given(start, update, requested, reply('change the title first'), ev('approval_granted', { callId: call(1), by: 'a' })).pendingCall).toBeUndefined();
    expect(given(start, update, requested, ev('approval_granted', { callId: call(1), by: 'a' }), reply('thanks')).pendingCall?.data.callId).toBe(call(1));
  });

  it('a decision that names no call decides every pending request; the newest still pending is the one asked', () => {
    const two = [start, update, requested, ev('step_decided', decided(3, 'update_issue', { issue_ids: ['OPS-2'] })), ev('approval_requested', { callId: call(3), intent: 'update_issue', summary: 's', policy: 'p' })];
    expect(given(...two).pendingApproval?.data.callId).toBe(call(3));
    expect(given(...two, ev('approval_granted', { callId: call(3), by: 'a' })).pendingApproval?.data.callId).toBe(call(1));
    const all = given(...two, ev('approval_denied', { by: 'a' }));
    expect([approvalOf(all, call(1)), approvalOf(all, call(3)), all.pendingApproval]).toEqual(['denied', 'denied', undefined]);
  });

  it('notifications stay pending until a message_sent names them', () => {
    const asked = given(start, question);
    expect(asked.pendingNotifications.map((e) => e.seq)).toEqual([2]);
    const sent = given(start, question, ev('message_sent', { channel: 'email', to: ['u@x'], inResponseTo: asked.pendingNotifications[0]?.id ?? ('' as never), messageId: '<o1@h>' }));
    expect(sent.pendingNotifications).toEqual([]);
    expect(sent.status).toBe('awaiting_human');
  });

  it('keeps the channel message ids a reply threads on, and the newest one a person sent', () => {
    const s = given(
      start,
      question,
      ev('message_sent', { channel: 'email', to: ['u@x'], inResponseTo: 'evt_g2' as never, messageId: '<o1@h>' }),
      reply('Operations', '<r1@x>'),
      ev('approval_granted', { by: 'a', messageId: '<r2@x>' }),
      ev('message_sent', { channel: 'slack', to: ['u'], inResponseTo: 'evt_g2' as never, messageId: 'ts-1' }),
    );
    expect(oldestFirst(s.messages)).toEqual([
      { direction: 'out', channel: 'email', messageId: '<o1@h>' },
      { direction: 'in', channel: 'email', messageId: '<r1@x>' },
      { direction: 'in', messageId: '<r2@x>' },
      { direction: 'out', channel: 'slack', messageId: 'ts-1' },
    ]);
    expect(s.lastInboundMessageId).toBe('<r2@x>');
  });

  it('guard counters count from the last human input: steps, errors in a row, failed and succeeded calls', () => {
    const failed = ev('tool_failed', { callId: call(3), intent: 'create_issue', error: { kind: 'invalid_input', message: 'm', retryable: false } });
    const s = given(start, ev('step_decided', decided(3, 'create_issue', { t: 1 })), failed, ev('step_rejected', { reason: 'r', raw: 'x' }));
    expect(s.guards).toMatchObject({ modelSteps: 2, consecutiveErrors: 2 });
    expect([...s.guards.failedKeys]).toEqual(['create_issue {"t":1}']);
    const after = given(start, ev('step_decided', decided(3, 'create_issue', { t: 1 })), failed, reply('try team Ops'));
    expect(after.guards).toMatchObject({ modelSteps: 0, consecutiveErrors: 0 });
    expect(after.guards.failedKeys.size).toBe(0);
    const ok = given(start, ev('step_decided', decided(4, 'list_teams')), ev('tool_succeeded', { callId: call(4), intent: 'list_teams', result: [] }));
    expect([...ok.guards.succeededAt.keys()]).toEqual(['list_teams {}']);
  });

  it('a retry is allowed after a failure or an unanswered escalation, even once it was mailed', () => {
    const escalated = ev('escalated', { guard: 'consecutive_errors', reason: 'r' });
    expect(retryAllowed(given(start, ev('model_failed', { reason: 'HTTP 401', retryable: false })))).toBe(true);
    expect(retryAllowed(given(start, escalated, ev('message_sent', { channel: 'email', to: ['u'], inResponseTo: 'evt_g2' as never })))).toBe(true);
    expect(retryAllowed(given(start, question))).toBe(false);
    expect(retryAllowed(given(start, escalated, reply('try Ops')))).toBe(false);
  });

  it('which intents ask or finish is the agent’s, given when the state is built', () => {
    const finish = ev('step_decided', decided(1, 'hand_over', { message: 'over to you' }));
    expect(foldState(thread(start, finish).events, defaultHumanIntents)).toMatchObject({ status: 'ready', pendingNotifications: [] });
    const own = foldState(thread(start, finish).events, { ask: [], done: ['hand_over'] });
    expect(own.status).toBe('done');
    expect(own.pendingCall).toBeUndefined();
    expect(own.pendingNotifications.map((e) => e.seq)).toEqual([2]);
  });

  it('does not change the state it was given', () => {
    const before = given(start, update);
    const snapshot = { ...before, openCalls: [...before.openCalls], guards: { ...before.guards } };
    const evolve = createEvolve(defaultHumanIntents);
    evolve(before, { ...requested, id: 'evt_x' as never, seq: 3, at: '' } as ThreadEvent);
    expect(before).toEqual(snapshot);
  });
});

describe('statusAfter: status from new events only', () => {
  it('continuing from a cached status equals deriving it from all events, at every split', () => {
    const events = simulate(7, 300, 'odd');
    for (let cut = 0; cut <= events.length; cut += 13) {
      const cached = deriveStatus(events.slice(0, cut), defaultHumanIntents);
      expect(statusAfter(cached, events.slice(cut), defaultHumanIntents)).toBe(deriveStatus(events, defaultHumanIntents));
    }
    expect(statusAfterFromThread).toBe(statusAfter);
  });
});

/** Hand-written threads for the paths the decider and loop tests take (their given threads are checked in given.ts). */
const table: Array<[string, Init[]]> = [
  ['a tool step run and answered', [start, ev('step_decided', decided(1, 'list_teams')), ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: { teams: [] } }), ev('step_decided', decided(2, 'done_for_now', { message: 'ok' }))]],
  ['approval granted by email, then the tool ran', [start, update, requested, ev('message_sent', { channel: 'email', to: ['a'], inResponseTo: 'evt_g3' as never, messageId: '<o1@h>' }), ev('approval_granted', { callId: call(1), by: 'a', messageId: '<r1@x>' }), ev('tool_succeeded', { callId: call(1), intent: 'update_issue', result: {} })]],
  ['one request mailed to two approvers', [start, update, requested, ev('message_sent', { channel: 'email', to: ['a'], inResponseTo: 'evt_g3' as never, messageId: '<o1@h>' }), ev('message_sent', { channel: 'email', to: ['b'], inResponseTo: 'evt_g3' as never, messageId: '<o2@h>' })]],
  ['feedback supersedes, then a late grant', [start, update, requested, reply('change the title first', '<r1@x>'), ev('approval_granted', { callId: call(1), by: 'a' })]],
  ['request_approval answered by a grant naming no call', [start, ev('step_decided', decided(1, 'request_approval', { message: 'may I?' })), ev('approval_granted', { by: 'a' })]],
  ['a denied approval with a reason, then a revised step', [start, update, requested, ev('approval_denied', { callId: call(1), by: 'a', reason: 'assign Sarah' }), ev('step_decided', decided(2, 'update_issue', { issue_ids: ['OPS-1'], changes: { assignee_id: 'u-sarah' } }))]],
  ['failures in a row, escalated, mailed, retried', [start, ev('step_rejected', { reason: 'r', raw: 'x' }), ev('model_failed', { reason: 'HTTP 503', retryable: true }), ev('step_rejected', { reason: 'r', raw: 'x' }), ev('escalated', { guard: 'consecutive_errors', reason: 'r' }), ev('message_sent', { channel: 'email', to: ['a'], inResponseTo: 'evt_g5' as never }), ev('retry_requested', { by: 'a', channel: 'api' })]],
  ['a crash left a decided step: retried, it is pending again', [start, ev('step_decided', decided(1, 'create_issue', { n: 1 })), ev('escalated', { guard: 'run_failed', reason: 'r' }), ev('retry_requested', { by: 'a', channel: 'cli' })]],
  ['the same failing call, and a read repeated after a write', [start, ev('step_decided', decided(1, 'create_issue', { t: 'x' })), ev('tool_failed', { callId: call(1), intent: 'create_issue', error: { kind: 'invalid_input', message: 'm', retryable: false } }), ev('step_decided', decided(2, 'list_teams')), ev('tool_succeeded', { callId: call(2), intent: 'list_teams', result: [] }), ev('step_decided', decided(3, 'create_issue', { t: 'y' })), ev('tool_succeeded', { callId: call(3), intent: 'create_issue', result: {} })]],
  ['prefetched context, then the model asks for it', [start, ev('step_decided', { ...decided(1, 'list_teams'), origin: 'prefetch' }), ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: [] })]],
  ['an API thread: nothing is ever mailed', [ev('message_received', { channel: 'api', text: 'hi' }), question, ev('human_replied', { channel: 'api', message: 'Ops' }), ev('step_decided', decided(3, 'done_for_now', { message: 'ok' }))]],
  ['a model that is down for good, then a thread failure', [start, ev('model_failed', { reason: 'HTTP 401', retryable: false }), ev('thread_failed', { reason: 'no agent' })]],
];

const proposals: ProposedCall[] = [
  { intent: 'list_teams', args: {} },
  { intent: 'create_issue', args: { t: 'x' } },
  { intent: 'create_issue', args: { t: 'y' } },
];

describe('the folded state equals what the scans computed, after every event', () => {
  it.each(table)('%s', (_name, inits) => {
    foldComparing(thread(...inits).events, defaultHumanIntents, (actual, expected, at) => expect(actual, `after ${at} events`).toEqual(expected), proposals);
  });

  it.each([1, 2, 3, 4, 5])('a loop-like run through the real decider, seed %i, 400 events', (seed) => {
    const events = simulate(seed, 400, 'loop');
    foldComparing(events, defaultHumanIntents, (actual, expected, at) => expect(actual, `after ${at} events`).toEqual(expected));
    // The run went through the states that matter, so the comparison saw them.
    const types = new Set(events.map((e) => e.type));
    for (const t of ['approval_requested', 'approval_granted', 'approval_denied', 'tool_failed', 'escalated', 'message_sent', 'retry_requested'] as const) expect(types).toContain(t);
  });

  it.each([11, 12, 13, 14, 15])('a run with late grants, decisions naming no call and stray deliveries, seed %i, 400 events', (seed) => {
    foldComparing(simulate(seed, 400, 'odd'), defaultHumanIntents, (actual, expected, at) => expect(actual, `after ${at} events`).toEqual(expected));
  });

  it('with an agent’s own human intents too', () => {
    const intents = { ask: ['request_more_information'], done: ['done_for_now', 'request_approval'] };
    foldComparing(simulate(21, 300, 'odd'), intents, (actual, expected, at) => expect(actual, `after ${at} events`).toEqual(expected));
  });
});

/** Counts every property read on an event and on anything inside it. */
function counted<T extends object>(value: T, reads: { n: number }): T {
  return new Proxy(value, {
    get(target, key, receiver) {
      reads.n++;
      const v: unknown = Reflect.get(target, key, receiver);
      return typeof v === 'object' && v !== null ? counted(v, reads) : v;
    },
  });
}

describe('evolve never looks back', () => {
  it('evolve takes the state and the new event only: a 10,000-event thread costs the same per event at its end as at its start', () => {
    const events = simulate(99, 10_000, 'loop');
    const evolve = createEvolve(defaultHumanIntents);
    // Reads are counted while evolving only; what the state holds is read through the same proxies.
    const reads = { n: 0 };
    const perEvent: number[] = [];
    let state = initialState();
    for (const e of events) {
      const before = reads.n;
      state = evolve(state, counted(e, reads));
      perEvent.push(reads.n - before);
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const first = sum(perEvent.slice(0, 1_000));
    const last = sum(perEvent.slice(-1_000));
    // A scan of earlier events would make the last thousand cost about nineteen times the first.
    expect(last).toBeLessThan(first * 1.5);
    expect(Math.max(...perEvent)).toBeLessThan(200);
    expect(state.lastSeq).toBe(10_000);
    // And the fold is the same state the readers see.
    expect(state.status).toBe(deriveStatus(events, defaultHumanIntents));
    expect(state.lastHumanInput?.event.id).toBe(events.findLast((e) => humanInputTypes.has(e.type))?.id);
  });
});
