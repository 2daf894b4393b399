// Guards (factors 3 and 8): predicates that stop a looping agent and hand it to a human. Each is a read of the
// counters `evolve` keeps for the window since the last human input, so checking costs the same at any length.
import type { JsonObject } from './json.js';
import { callKey, type ThreadState } from './state.js';

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


/** The model steps since the last human input reached the budget. */
export function maxStepsReached(state: Pick<ThreadState, 'guards'>, limits: GuardLimits): GuardTrip | undefined {
  const steps = state.guards.modelSteps;
  return steps >= limits.maxSteps
    ? { guard: 'max_steps', reason: `${steps} steps since the last human input (limit ${limits.maxSteps})` }
    : undefined;
}

export function tooManyErrors(state: Pick<ThreadState, 'guards'>, limits: GuardLimits): GuardTrip | undefined {
  const count = state.guards.consecutiveErrors;
  return count >= limits.maxConsecutiveErrors
    ? { guard: 'consecutive_errors', reason: `${count} failures in a row (limit ${limits.maxConsecutiveErrors})` }
    : undefined;
}

/** The model proposes a call that already failed with exactly these arguments: running it again would loop. */
export function sameFailingCall(state: Pick<ThreadState, 'guards'>, call: ProposedCall): GuardTrip | undefined {
  return state.guards.failedKeys.has(callKey(call))
    ? { guard: 'same_failing_call', reason: `${call.intent} already failed with the same arguments` }
    : undefined;
}

/**
 * The model proposes a call that already succeeded with exactly these arguments. A read repeated after a
 * successful write is allowed (its answer may have changed); any other repeat is a loop.
 */
export function repeatedCall(
  state: Pick<ThreadState, 'guards'>,
  call: ProposedCall,
  mutates: (intent: string) => boolean,
): GuardTrip | undefined {
  const lastSameSuccess = state.guards.succeededAt.get(callKey(call));
  if (lastSameSuccess === undefined) return undefined;
  if (!mutates(call.intent)) {
    let lastWrite = -1;
    for (const [intent, at] of state.guards.lastSuccessOf) if (at > lastWrite && mutates(intent)) lastWrite = at;
    if (lastWrite > lastSameSuccess) return undefined;
  }
  return { guard: 'repeated_call', reason: `${call.intent} already succeeded with the same arguments` };
}
