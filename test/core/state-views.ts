// The same facts read two ways: from the folded ThreadState, and by the old scans over every event (the oracle).
import { humanInputTypes, type ThreadEvent } from '../../src/core/events.js';
import { defaultGuardLimits, maxStepsReached, repeatedCall, sameFailingCall, tooManyErrors, type GuardLimits, type ProposedCall } from '../../src/core/guards.js';
import type { CallId } from '../../src/core/ids.js';
import type { Json } from '../../src/core/json.js';
import { oldestFirst } from '../../src/core/stack.js';
import { approvalOf, createEvolve, initialState, retryAllowed, type ThreadState } from '../../src/core/state.js';
import type { HumanIntents } from '../../src/core/thread.js';
import * as scan from './scan-oracle.js';

/** The test agent's tools: which intents write (anything unknown counts as a write, as in the decider). */
const writes = new Set(['create_issue', 'update_issue']);
const reads = new Set(['list_teams']);
export const mutates = (intent: string): boolean => writes.has(intent) || !reads.has(intent);

export interface View {
  lastSeq: number;
  status: string;
  canRetry: boolean;
  pendingCall: string | undefined;
  approvals: Record<string, string>;
  pendingApproval: string | undefined;
  pendingNotifications: string[];
  anyDecided: boolean;
  firstEvent: string | undefined;
  lastHumanInput: string | undefined;
  lastInboundMessageId: string | undefined;
  laterMessageIds: string[];
  toolResults: Json[];
  modelStepsSinceHuman: number;
  consecutiveErrors: number;
  trips: Record<string, string | undefined>;
}

function callIdsIn(events: readonly ThreadEvent[]): CallId[] {
  const ids = new Set<CallId>();
  for (const e of events) {
    if (e.type === 'step_decided' || e.type === 'approval_requested') ids.add(e.data.callId);
    if ((e.type === 'approval_granted' || e.type === 'approval_denied') && e.data.callId !== undefined) ids.add(e.data.callId);
  }
  return [...ids];
}

/** Every distinct call decided in the thread, plus the caller's: what the call guards are asked about. */
function candidates(events: readonly ThreadEvent[], extra: readonly ProposedCall[]): ProposedCall[] {
  const calls = new Map<string, ProposedCall>();
  for (const c of [...events.flatMap((e) => (e.type === 'step_decided' ? [{ intent: e.data.intent, args: e.data.args }] : [])), ...extra]) {
    calls.set(`${c.intent} ${JSON.stringify(c.args)}`, c);
  }
  return [...calls.values()];
}

const tightLimits: GuardLimits = { maxSteps: 2, maxConsecutiveErrors: 2 };

function trips(
  calls: readonly ProposedCall[],
  read: {
    steps: (l: GuardLimits) => string | undefined;
    errors: (l: GuardLimits) => string | undefined;
    failing: (c: ProposedCall) => string | undefined;
    repeated: (c: ProposedCall) => string | undefined;
  },
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, limits] of [['default', defaultGuardLimits], ['tight', tightLimits]] as const) {
    out[`max_steps/${name}`] = read.steps(limits);
    out[`errors/${name}`] = read.errors(limits);
  }
  for (const c of calls) {
    const key = `${c.intent} ${JSON.stringify(c.args)}`;
    out[`failing/${key}`] = read.failing(c);
    out[`repeated/${key}`] = read.repeated(c);
  }
  return out;
}

export function oracleView(events: readonly ThreadEvent[], intents: HumanIntents, extra: readonly ProposedCall[] = []): View {
  return {
    lastSeq: events.at(-1)?.seq ?? 0,
    status: scan.deriveStatus(events, intents),
    canRetry: scan.canRetry(events, intents),
    pendingCall: scan.pendingCall(events, intents)?.id,
    approvals: Object.fromEntries(callIdsIn(events).map((c) => [c, scan.approvalState(events, c)])),
    pendingApproval: scan.pendingApproval(events)?.id,
    pendingNotifications: scan.pendingNotifications(events, intents).map((e) => e.id),
    anyDecided: scan.anyDecided(events),
    firstEvent: events[0]?.id,
    lastHumanInput: events.findLast((e) => humanInputTypes.has(e.type))?.id,
    lastInboundMessageId: scan.inboundReplies(events).at(-1),
    laterMessageIds: scan.laterMessageIds(events),
    toolResults: scan.toolResults(events),
    modelStepsSinceHuman: scan.stepsSinceHuman(events),
    consecutiveErrors: scan.consecutiveErrors(events),
    trips: trips(candidates(events, extra), {
      steps: (l) => scan.maxStepsReached(events, l)?.reason,
      errors: (l) => scan.tooManyErrors(events, l)?.reason,
      failing: (c) => scan.sameFailingCall(events, c)?.reason,
      repeated: (c) => scan.repeatedCall(events, c, mutates)?.reason,
    }),
  };
}

/** Reads the state only; `events` names which calls and candidate steps to ask about, nothing is derived from it. */
export function stateView(state: ThreadState, events: readonly ThreadEvent[], extra: readonly ProposedCall[] = []): View {
  return {
    lastSeq: state.lastSeq,
    status: state.status,
    canRetry: retryAllowed(state),
    pendingCall: state.pendingCall?.id,
    approvals: Object.fromEntries(callIdsIn(events).map((c) => [c, approvalOf(state, c)])),
    pendingApproval: state.pendingApproval?.id,
    pendingNotifications: state.pendingNotifications.map((e) => e.id),
    anyDecided: state.anyDecided,
    firstEvent: state.firstEvent?.id,
    lastHumanInput: state.lastHumanInput?.event.id,
    lastInboundMessageId: state.lastInboundMessageId,
    // What the email notifier threads on: everything a person sent, and what went out by email.
    laterMessageIds: oldestFirst(state.messages).flatMap((m) => (m.direction === 'in' || m.channel === 'email' ? [m.messageId] : [])),
    toolResults: oldestFirst(state.toolResults).map((e) => e.data.result),
    modelStepsSinceHuman: state.guards.modelSteps,
    consecutiveErrors: state.guards.consecutiveErrors,
    trips: trips(candidates(events, extra), {
      steps: (l) => maxStepsReached(state, l)?.reason,
      errors: (l) => tooManyErrors(state, l)?.reason,
      failing: (c) => sameFailingCall(state, c)?.reason,
      repeated: (c) => repeatedCall(state, c, mutates)?.reason,
    }),
  };
}

/** Evolves one event at a time and compares with the scans after every event; returns the final state. */
export function foldComparing(
  events: readonly ThreadEvent[],
  intents: HumanIntents,
  compare: (actual: View, expected: View, at: number) => void,
  extra: readonly ProposedCall[] = [],
): ThreadState {
  const evolve = createEvolve(intents);
  let state = initialState();
  compare(stateView(state, [], extra), oracleView([], intents, extra), 0);
  events.forEach((e, i) => {
    state = evolve(state, e);
    const prefix = events.slice(0, i + 1);
    compare(stateView(state, prefix, extra), oracleView(prefix, intents, extra), i + 1);
  });
  return state;
}
