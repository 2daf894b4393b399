// The scan-based derivations as they were before `evolve` (copied verbatim from src/core/thread.ts, guards.ts and
// src/channels/email/approvals/pending-approval.ts, outbound/notifier.ts, policies.ts): the oracle the folded state must equal.
import { humanInputTypes, type EventOf, type ThreadEvent } from '../../src/core/events.js';
import type { CallId } from '../../src/core/ids.js';
import { canonicalJson, type Json, type JsonObject } from '../../src/core/json.js';
import type { GuardLimits, GuardTrip } from '../../src/core/guards.js';
import type { DerivedStatus, HumanIntents } from '../../src/core/thread.js';
import { emailOf, type EmailReceived } from '../../src/channels/email/email-received.js';

export const defaultHumanIntents: HumanIntents = {
  ask: ['request_more_information', 'request_approval'],
  done: ['done_for_now'],
};
export function findDecision(events: readonly ThreadEvent[], callId: CallId): EventOf<'step_decided'> | undefined {
  return events.find((e): e is EventOf<'step_decided'> => e.type === 'step_decided' && e.data.callId === callId);
}
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
  let status: DerivedStatus = 'ready';
  for (const e of events) {
    switch (e.type) {
      case 'message_received':
      case 'human_replied':
      case 'step_rejected':
      case 'approval_granted':
      case 'approval_denied':
      case 'retry_requested':
        status = 'ready';
        break;
      case 'tool_succeeded':
      case 'tool_failed':
        if (status !== 'done') status = 'ready';
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
      case 'thread_stopped':
        status = 'done';
        break;
      case 'message_sent':
      case 'context_compacted':
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
      case 'thread_stopped':
        return true;
      default:
        return false;
    }
  });
}
export interface ProposedCall {
  intent: string;
  args: JsonObject;
}


/** The events since a human last said something: guards count within this window. */
export function sinceLastHumanInput(events: readonly ThreadEvent[]): readonly ThreadEvent[] {
  const index = events.findLastIndex((e) => humanInputTypes.has(e.type));
  return index === -1 ? events : events.slice(index + 1);
}

function callKey(call: ProposedCall): string {
  return `${call.intent} ${canonicalJson(call.args)}`;
}

export function stepsSinceHuman(events: readonly ThreadEvent[]): number {
  return sinceLastHumanInput(events).filter(
    (e) => (e.type === 'step_decided' && e.data.origin === 'model') || e.type === 'step_rejected',
  ).length;
}

export function maxStepsReached(events: readonly ThreadEvent[], limits: GuardLimits): GuardTrip | undefined {
  const steps = stepsSinceHuman(events);
  return steps >= limits.maxSteps
    ? { guard: 'max_steps', reason: `${steps} steps since the last human input (limit ${limits.maxSteps})` }
    : undefined;
}

export function consecutiveErrors(events: readonly ThreadEvent[]): number {
  let count = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e === undefined) break;
    if (e.type === 'tool_failed' || e.type === 'step_rejected' || e.type === 'model_failed') count++;
    else if (e.type === 'tool_succeeded' || humanInputTypes.has(e.type)) break;
  }
  return count;
}

export function tooManyErrors(events: readonly ThreadEvent[], limits: GuardLimits): GuardTrip | undefined {
  const count = consecutiveErrors(events);
  return count >= limits.maxConsecutiveErrors
    ? { guard: 'consecutive_errors', reason: `${count} failures in a row (limit ${limits.maxConsecutiveErrors})` }
    : undefined;
}

/** The model proposes a call that already failed with exactly these arguments: running it again would loop. */
export function sameFailingCall(events: readonly ThreadEvent[], call: ProposedCall): GuardTrip | undefined {
  const window = sinceLastHumanInput(events);
  const key = callKey(call);
  const failed = window.some((e) => {
    if (e.type !== 'tool_failed') return false;
    const decided = window.find((d) => d.type === 'step_decided' && d.data.callId === e.data.callId);
    return decided?.type === 'step_decided' && callKey(decided.data) === key;
  });
  return failed ? { guard: 'same_failing_call', reason: `${call.intent} already failed with the same arguments` } : undefined;
}

/**
 * The model proposes a call that already succeeded with exactly these arguments. A read repeated after a
 * successful write is allowed (its answer may have changed); any other repeat is a loop.
 */
export function repeatedCall(
  events: readonly ThreadEvent[],
  call: ProposedCall,
  mutates: (intent: string) => boolean,
): GuardTrip | undefined {
  const window = sinceLastHumanInput(events);
  const key = callKey(call);
  let lastSameSuccess = -1;
  let lastWrite = -1;
  window.forEach((e, i) => {
    if (e.type !== 'tool_succeeded') return;
    const decided = window.find((d) => d.type === 'step_decided' && d.data.callId === e.data.callId);
    if (decided?.type !== 'step_decided') return;
    // Prefetched context was not the model's choice: asking for it once more is not a loop.
    if (callKey(decided.data) === key && decided.data.origin === 'model') lastSameSuccess = i;
    if (mutates(decided.data.intent)) lastWrite = i;
  });
  if (lastSameSuccess === -1) return undefined;
  if (!mutates(call.intent) && lastWrite > lastSameSuccess) return undefined;
  return { guard: 'repeated_call', reason: `${call.intent} already succeeded with the same arguments` };
}
export function pendingApproval(events: readonly ThreadEvent[]): EventOf<'approval_requested'> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type === 'approval_requested' && approvalState(events, e.data.callId) === 'pending') return e;
  }
  return undefined;
}

/** notifier.ts: Message-IDs of the person's emails after the first. */
export function inboundReplies(events: readonly ThreadEvent[]): string[] {
  return events.flatMap((e) =>
    (e.type === 'human_replied' || e.type === 'approval_granted' || e.type === 'approval_denied') && e.data.messageId ? [e.data.messageId] : [],
  );
}

/** notifier.ts `referenceChain`: the conversation's later message ids, before the root is put in front. */
export function laterMessageIds(events: readonly ThreadEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'message_sent' && e.data.channel === 'email' && e.data.messageId) return [e.data.messageId];
    if ((e.type === 'human_replied' || e.type === 'approval_granted' || e.type === 'approval_denied') && e.data.messageId) return [e.data.messageId];
    return [];
  });
}

/** thread-people.ts `firstEmail`. */
export function firstEmail(events: readonly ThreadEvent[]): EmailReceived | undefined {
  const first = events[0];
  return first?.type === 'message_received' ? emailOf(first.data) : undefined;
}

/** policies.ts `known`: the tool results it visits. */
export function toolResults(events: readonly ThreadEvent[]): Json[] {
  return events.flatMap((e) => (e.type === 'tool_succeeded' ? [e.data.result] : []));
}

/** loop.ts: prefetch only before any step was decided. */
export function anyDecided(events: readonly ThreadEvent[]): boolean {
  return events.some((e) => e.type === 'step_decided');
}
