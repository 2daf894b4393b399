// Errors with a stable code and a marker, checked with `isInstance` rather than `instanceof` across module copies.
const marker = Symbol.for('hardway.error');

export type ErrorCode =
  | 'concurrency_conflict'
  | 'lease_lost'
  | 'thread_not_found'
  | 'thread_exists'
  | 'invalid_input'
  | 'config'
  | 'invalid_state'
  /** A channel's provider refused or could not take a message we sent (the retry flag says whether to try again). */
  | 'channel_delivery';

export class HardwayError extends Error {
  readonly [marker] = true;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retry: boolean = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HardwayError';
  }

  static isInstance(value: unknown, code?: ErrorCode): value is HardwayError {
    return (
      typeof value === 'object' &&
      value !== null &&
      marker in value &&
      (code === undefined || (value as HardwayError).code === code)
    );
  }
}

/** Someone else appended first: reload the thread and decide again. */
export class ConcurrencyError extends HardwayError {
  constructor(
    readonly threadId: string,
    readonly expectedSeq: number,
    readonly actualSeq: number,
  ) {
    super('concurrency_conflict', `thread ${threadId}: expected last seq ${expectedSeq}, found ${actualSeq}`, true);
    this.name = 'ConcurrencyError';
  }
}

/** The lease this worker held was taken over after it expired: the worker must stop without writing. */
export class LeaseLostError extends HardwayError {
  constructor(readonly threadId: string) {
    super('lease_lost', `thread ${threadId}: lease lost`, false);
    this.name = 'LeaseLostError';
  }
}
