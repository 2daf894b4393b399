// A thread is its events; everything else about it, status first, is derived from them (folded in `state.ts`).
import type { EventOf, ThreadEvent } from './events.js';
import type { CallId, ThreadId } from './ids.js';
import { approvalOf, foldState, statusAfter, type ApprovalStatus } from './state.js';

export { statusAfter } from './state.js';

export interface Thread {
  id: ThreadId;
  agent: string;
  events: readonly ThreadEvent[];
}

/** `running` is not derived from events: the store reports it while a live lease is held. */
export type ThreadStatus = 'ready' | 'running' | 'awaiting_human' | 'awaiting_approval' | 'done' | 'failed';
export type DerivedStatus = Exclude<ThreadStatus, 'running'>;

export const threadStatuses = [
  'ready',
  'running',
  'awaiting_human',
  'awaiting_approval',
  'done',
  'failed',
] as const satisfies readonly ThreadStatus[];

/** The intents with which an agent hands its thread to a human: each agent declares its own. */
export interface HumanIntents {
  /** The model asks a question and waits for the answer. */
  ask: readonly string[];
  /** The model says it has finished. */
  done: readonly string[];
  /** Those `ask` intents that ask for a yes or no: a human's decision answers them like an approval. */
  approval?: readonly string[];
}

/**
 * An agent that hands nothing to a human: what a reader that does not know the thread's agent folds with. Its
 * threads never count as waiting for a human, so nothing that decides on a human's turn may use it.
 */
export const noHumanIntents: HumanIntents = { ask: [], done: [] };

export function lastSeq(thread: Pick<Thread, 'events'>): number {
  return thread.events.at(-1)?.seq ?? 0;
}

export function findDecision(events: readonly ThreadEvent[], callId: CallId): EventOf<'step_decided'> | undefined {
  return events.find((e): e is EventOf<'step_decided'> => e.type === 'step_decided' && e.data.callId === callId);
}

/**
 * The first decided tool step with neither a result nor an error yet: it must (re)run before anything else.
 * Steps whose approval was denied, or superseded by a human's feedback, are never pending.
 */
export function pendingCall(
  events: readonly ThreadEvent[],
  humanIntents: HumanIntents,
): EventOf<'step_decided'> | undefined {
  return foldState(events, humanIntents).pendingCall;
}

/** Whether the approval a call needs has been given after it was requested. */
export function approvalState(events: readonly ThreadEvent[], callId: CallId): ApprovalStatus {
  // Which intents ask a human does not change what was requested, granted or denied.
  return approvalOf(foldState(events, noHumanIntents), callId);
}

/**
 * Status from the events alone. Events that only record delivery (`message_sent`) leave it unchanged; anything
 * that brings new information from outside or a tool outcome makes the thread ready for its next step.
 */
export function deriveStatus(
  events: readonly ThreadEvent[],
  humanIntents: HumanIntents,
): DerivedStatus {
  return statusAfter('ready', events, humanIntents);
}

/**
 * Events that must reach a human (a question, a final answer, an approval request, an escalation) and that no
 * `message_sent` has delivered yet. Channels deliver these, then append `message_sent` naming them.
 */
export function pendingNotifications(
  events: readonly ThreadEvent[],
  humanIntents: HumanIntents,
): ThreadEvent[] {
  return [...foldState(events, humanIntents).pendingNotifications];
}
