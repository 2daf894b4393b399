// The approval a thread is waiting for, and the event that records a human's decision on it.
import type { EventOf, NewEvent, ThreadEvent } from '../../core/events.js';
import type { CallId, Clock, IdSource } from '../../core/ids.js';
import { approvalState } from '../../core/thread.js';

/** The newest approval request still undecided. */
export function pendingApproval(events: readonly ThreadEvent[]): EventOf<'approval_requested'> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type === 'approval_requested' && approvalState(events, e.data.callId) === 'pending') return e;
  }
  return undefined;
}

export type Decision = { approve: true; comment?: string } | { approve: false; reason?: string };

export function decisionEvent(callId: CallId, by: string, decision: Decision, deps: { ids: IdSource; clock: Clock }): NewEvent {
  const base = { id: deps.ids.eventId(), at: deps.clock.now().toISOString() };
  if (decision.approve) {
    return { ...base, type: 'approval_granted', data: { callId, by, ...(decision.comment ? { comment: decision.comment } : {}) } };
  }
  return { ...base, type: 'approval_denied', data: { callId, by, ...(decision.reason ? { reason: decision.reason } : {}) } };
}
