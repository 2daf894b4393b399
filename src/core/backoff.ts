// The one backoff (model and API retries, a channel's reconnects, failed thread runs): exponential, capped, with
// jitter so many clients that lost a server do not return in step.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** Attempt 0 waits about `baseMs`; each failure doubles it up to `maxMs`; the wait is between half and all of that. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = defaultBackoff, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
