// When a failed Linear call is tried again, and how long we wait first. Bounded everywhere: a few backed-off
// retries for timeouts, network and 5xx errors, and at most one wait for a rate limit, only if it lifts soon.
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Clock } from '../core/ids.js';
import { LinearError } from './linear-error.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Extra attempts after a timeout, network or server error. */
  retries: number;
  /** The first backoff; it doubles on each retry, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** The longest wait for a rate limit to lift; a later reset is reported as `rate_limited` at once. */
  maxRateLimitWaitMs: number;
  /** Added to the reset time, for the clock difference between us and Linear. */
  rateLimitMarginMs: number;
  sleep: Sleep;
  clock: Clock;
}

export const realSleep: Sleep = (ms, signal) => sleepFor(ms, undefined, signal === undefined ? {} : { signal });

export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  let transientRetries = 0;
  let waitedForRateLimit = false;
  const maxAttempts = policy.retries + 2;
  let lastError: unknown;
  for (let n = 0; n < maxAttempts; n++) {
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
      const delay = delayBefore(error);
      if (delay === undefined || signal?.aborted === true) throw error;
      try {
        await policy.sleep(delay, signal);
      } catch {
        // Cancelled while waiting: the caller gets the failure we were waiting out.
        throw error;
      }
    }
  }
  throw lastError;

  function delayBefore(error: unknown): number | undefined {
    if (!LinearError.isInstance(error)) return undefined;
    if (error.kind === 'rate_limited') {
      if (waitedForRateLimit || error.resetAt === undefined) return undefined;
      const wait = error.resetAt.getTime() - policy.clock.now().getTime() + policy.rateLimitMarginMs;
      if (wait > policy.maxRateLimitWaitMs) return undefined;
      waitedForRateLimit = true;
      return Math.max(0, wait);
    }
    if (!error.retryable || transientRetries >= policy.retries) return undefined;
    const backoff = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** transientRetries);
    transientRetries += 1;
    return backoff;
  }
}
