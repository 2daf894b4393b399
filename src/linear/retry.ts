// When a failed Linear call is tried again, and how long we wait first. Bounded everywhere: a few backed-off
// retries for timeouts, network and 5xx errors (the house backoff, or Linear's Retry-After when it sends one), and at
// most one wait for a rate limit to reset; no wait that would end past the call's budget is slept.
import { setTimeout as sleepFor } from 'node:timers/promises';
import { backoffDelay, type BackoffPolicy } from '../core/backoff.js';
import type { Clock } from '../core/ids.js';
import { LinearError } from './linear-error.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Extra attempts after a timeout, network or server error. */
  retries: number;
  backoff: BackoffPolicy;
  random: () => number;
  /**
   * The longest one call may take in waits: a wait (backoff, Linear's rate-limit reset, Retry-After) that would end
   * past it is not slept, and the failure is reported at once with the wait in its message.
   */
  budgetMs: number;
  /** Added to the reset time, for the clock difference between us and Linear. */
  rateLimitMarginMs: number;
  sleep: Sleep;
  clock: Clock;
}

export const realSleep: Sleep = (ms, signal) => sleepFor(ms, undefined, signal === undefined ? {} : { signal });

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  const now = (): number => policy.clock.now().getTime();
  const deadline = now() + policy.budgetMs;
  let transientRetries = 0;
  let waitedForRateLimit = false;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!LinearError.isInstance(error) || signal?.aborted === true) throw error;
      const delay = delayBefore(error);
      if (delay === undefined) throw error;
      if (delay > deadline - now()) throw beyondBudget(error, delay);
      try {
        await policy.sleep(delay, signal);
      } catch {
        // Cancelled while waiting: the caller gets the failure we were waiting out.
        throw error;
      }
    }
  }

  function delayBefore(error: LinearError): number | undefined {
    if (error.kind === 'rate_limited') {
      if (waitedForRateLimit || error.resetAt === undefined) return undefined;
      waitedForRateLimit = true;
      return Math.max(0, error.resetAt.getTime() - now() + policy.rateLimitMarginMs);
    }
    if (!error.retryable || transientRetries >= policy.retries) return undefined;
    // A 503 that says when to come back (Retry-After) is believed over our own guess.
    const advised = error.resetAt === undefined ? undefined : Math.max(0, error.resetAt.getTime() - now());
    const delay = advised ?? backoffDelay(transientRetries, policy.backoff, policy.random);
    transientRetries += 1;
    return delay;
  }

  function beyondBudget(error: LinearError, delay: number): LinearError {
    return new LinearError(error.kind, `${error.detail} (retry in ${seconds(delay)}: longer than this call may wait)`, {
      retryable: true,
      ...(error.resetAt === undefined ? {} : { resetAt: error.resetAt }),
      cause: error,
    });
  }
}
