// The approval a thread is waiting for.
import type { EventOf, ThreadEvent } from '../../../core/events.js';
import { foldState, type ThreadState } from '../../../core/state.js';

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
