// The approval a thread is waiting for.
import type { EventOf, ThreadEvent } from '../../core/events.js';
import { approvalState } from '../../core/thread.js';

/** The newest approval request still undecided. */
export function pendingApproval(events: readonly ThreadEvent[]): EventOf<'approval_requested'> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type === 'approval_requested' && approvalState(events, e.data.callId) === 'pending') return e;
  }
  return undefined;
}
