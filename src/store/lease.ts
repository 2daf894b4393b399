// The lease rule both stores apply: the claim token on the thread row is the lease; expiry only lets others take it.
import { HardwayError, LeaseLostError } from '../core/errors.js';
import type { Clock, ThreadId } from '../core/ids.js';
import type { ClaimOptions, Lease } from './thread-store.js';

/**
 * A lease holds while the row still carries its token. Expiry alone does not revoke it: a slow worker whose lease
 * ran out may still write (and heartbeat) until another claimer takes the thread over, which overwrites the token.
 * That keeps one rule for append, heartbeat and release, and never lets two holders write.
 */
export function assertLeaseHeld(lease: Lease, threadId: ThreadId, tokenOnRow: string | undefined): void {
  if (lease.threadId !== threadId) {
    throw new HardwayError('invalid_input', `lease is for thread ${lease.threadId}, not ${threadId}`);
  }
  if (tokenOnRow !== lease.token) throw new LeaseLostError(threadId);
}

export function expiryAfter(clock: Clock, leaseMs: number): string {
  return new Date(clock.now().getTime() + leaseMs).toISOString();
}

export function assertClaimOptions(options: ClaimOptions): void {
  if (!Number.isInteger(options.limit) || options.limit < 0) {
    throw new HardwayError('invalid_input', `claim limit must be a non-negative integer, got ${options.limit}`);
  }
  assertLeaseMs(options.leaseMs);
}

export function assertLeaseMs(leaseMs: number): void {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new HardwayError('invalid_input', `leaseMs must be positive, got ${leaseMs}`);
  }
}
