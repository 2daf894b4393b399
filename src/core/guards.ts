// Guards (factors 3 and 8): pure predicates over the thread that stop a looping agent and hand it to a human.
import { humanInputTypes, type ThreadEvent } from './events.js';
import { canonicalJson, type JsonObject } from './json.js';

export interface GuardLimits {
  /** Model steps allowed since the last human input. */
  maxSteps: number;
  /** Failures in a row (tool errors, rejected or failed model steps) before escalating. */
  maxConsecutiveErrors: number;
}

export const defaultGuardLimits: GuardLimits = { maxSteps: 20, maxConsecutiveErrors: 3 };

export interface GuardTrip {
  guard: 'max_steps' | 'consecutive_errors' | 'same_failing_call' | 'repeated_call' | 'run_failed';
  reason: string;
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
