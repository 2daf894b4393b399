// The approval a thread is waiting for, and the event that records a human's decision on it.
import type { EventOf, NewEvent, ThreadEvent } from '../../core/events.js';
import type { CallId, Clock, IdSource } from '../../core/ids.js';
import { foldState, type ThreadState } from '../../core/state.js';

/**
 * The newest approval request still undecided, read from the thread's state. Events are folded here only for
 * callers that do not hold the state yet (which intents ask a human does not change what was requested or decided).
 */
export function pendingApproval(
  from: Pick<ThreadState, 'pendingApproval'> | readonly ThreadEvent[],
): EventOf<'approval_requested'> | undefined {
  const state = isEvents(from) ? foldState(from, { ask: [], done: [] }) : from;
  return state.pendingApproval;
}

function isEvents(from: Pick<ThreadState, 'pendingApproval'> | readonly ThreadEvent[]): from is readonly ThreadEvent[] {
  return Array.isArray(from);
}

export type Decision = { approve: true; comment?: string } | { approve: false; reason?: string };

export function decisionEvent(callId: CallId, by: string, decision: Decision, deps: { ids: IdSource; clock: Clock }): NewEvent {
  const base = { id: deps.ids.eventId(), at: deps.clock.now().toISOString() };
  if (decision.approve) {
    return { ...base, type: 'approval_granted', data: { callId, by, ...(decision.comment ? { comment: decision.comment } : {}) } };
  }
  return { ...base, type: 'approval_denied', data: { callId, by, ...(decision.reason ? { reason: decision.reason } : {}) } };
}
