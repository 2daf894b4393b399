// A thread is its events; everything else about it, status first, is derived from them.
import type { EventOf, NewEvent, ThreadEvent } from './events.js';
import type { CallId, ThreadId } from './ids.js';

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

/** Intents that hand the thread to a human; an agent may add its own. */
export interface HumanIntents {
  /** The model asks a question and waits for the answer. */
  ask: readonly string[];
  /** The model says it has finished. */
  done: readonly string[];
}

export const defaultHumanIntents: HumanIntents = {
  ask: ['request_more_information', 'request_approval'],
  done: ['done_for_now'],
};

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
  humanIntents: HumanIntents = defaultHumanIntents,
): EventOf<'step_decided'> | undefined {
  const finished = new Set<CallId>();
  for (const e of events) {
    if (e.type === 'tool_succeeded' || e.type === 'tool_failed') finished.add(e.data.callId);
    if (e.type === 'approval_denied' && e.data.callId !== undefined) finished.add(e.data.callId);
  }
  for (const [i, e] of events.entries()) {
    if (e.type !== 'step_decided' || finished.has(e.data.callId)) continue;
    if (humanIntents.ask.includes(e.data.intent) || humanIntents.done.includes(e.data.intent)) continue;
    if (!supersededByFeedback(events.slice(i + 1), e.data.callId)) return e;
  }
  return undefined;
}

/**
 * A free-text reply while a call's approval is pending is feedback: the step is dropped and the model revises it.
 * A grant that arrives only after such feedback does not bring the old step back.
 */
function supersededByFeedback(later: readonly ThreadEvent[], callId: CallId): boolean {
  let requested = false;
  for (const l of later) {
    if (l.type === 'approval_requested' && l.data.callId === callId) requested = true;
    else if (requested && l.type === 'approval_granted' && l.data.callId === callId) return false;
    else if (requested && l.type === 'human_replied') return true;
  }
  return false;
}

/** Whether the approval a call needs has been given after it was requested. */
export function approvalState(
  events: readonly ThreadEvent[],
  callId: CallId,
): 'not_requested' | 'pending' | 'granted' | 'denied' {
  let state: 'not_requested' | 'pending' | 'granted' | 'denied' = 'not_requested';
  for (const e of events) {
    if (e.type === 'approval_requested' && e.data.callId === callId) state = 'pending';
    if (e.type === 'approval_granted' && state === 'pending' && (e.data.callId ?? callId) === callId) state = 'granted';
    if (e.type === 'approval_denied' && state === 'pending' && (e.data.callId ?? callId) === callId) state = 'denied';
  }
  return state;
}

/**
 * Status from the events alone. Events that only record delivery (`message_sent`) leave it unchanged; anything
 * that brings new information from outside or a tool outcome makes the thread ready for its next step.
 */
export function deriveStatus(
  events: readonly ThreadEvent[],
  humanIntents: HumanIntents = defaultHumanIntents,
): DerivedStatus {
  return statusAfter('ready', events, humanIntents);
}

/**
 * The status once `events` follow a thread whose status was `prev`: status is a fold over events, so a store that
 * caches it needs only the new ones.
 */
export function statusAfter(
  prev: DerivedStatus,
  events: readonly NewEvent[],
  humanIntents: HumanIntents = defaultHumanIntents,
): DerivedStatus {
  let status = prev;
  for (const e of events) {
    switch (e.type) {
      case 'email_received':
      case 'message_received':
      case 'human_replied':
      case 'tool_succeeded':
      case 'tool_failed':
      case 'step_rejected':
      case 'approval_granted':
      case 'approval_denied':
      case 'retry_requested':
        status = 'ready';
        break;
      case 'model_failed':
        status = e.data.retryable ? 'ready' : 'failed';
        break;
      case 'step_decided':
        if (humanIntents.done.includes(e.data.intent)) status = 'done';
        else if (humanIntents.ask.includes(e.data.intent)) status = 'awaiting_human';
        else status = 'ready';
        break;
      case 'approval_requested':
        status = 'awaiting_approval';
        break;
      case 'escalated':
        status = 'awaiting_human';
        break;
      case 'thread_failed':
        status = 'failed';
        break;
      case 'message_sent':
        break;
      default: {
        const unreachable: never = e;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return status;
}

/**
 * Whether a human may ask the thread to try again: it failed, or a guard escalated it and nobody has answered
 * since. A thread waiting for an answer to its own question or an approval wants that answer, not a retry.
 */
export function canRetry(events: readonly ThreadEvent[], humanIntents: HumanIntents = defaultHumanIntents): boolean {
  const status = deriveStatus(events, humanIntents);
  if (status === 'failed') return true;
  return status === 'awaiting_human' && events.findLast((e) => e.type !== 'message_sent')?.type === 'escalated';
}

/**
 * Events that must reach a human (a question, a final answer, an approval request, an escalation) and that no
 * `message_sent` has delivered yet. Channels deliver these, then append `message_sent` naming them.
 */
export function pendingNotifications(
  events: readonly ThreadEvent[],
  humanIntents: HumanIntents = defaultHumanIntents,
): ThreadEvent[] {
  const delivered = new Set(events.flatMap((e) => (e.type === 'message_sent' ? [e.data.inResponseTo] : [])));
  return events.filter((e) => {
    if (delivered.has(e.id)) return false;
    switch (e.type) {
      case 'step_decided':
        return humanIntents.ask.includes(e.data.intent) || humanIntents.done.includes(e.data.intent);
      case 'approval_requested':
      case 'escalated':
      case 'thread_failed':
        return true;
      default:
        return false;
    }
  });
}
