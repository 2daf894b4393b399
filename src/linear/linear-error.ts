// The one error a LinearPort throws: a kind the agent can branch on and a short message the model can act on.
const marker = Symbol.for('hardway.linear-error');

export type LinearErrorKind =
  | 'invalid_input'
  | 'not_found'
  | 'authentication'
  | 'forbidden'
  | 'rate_limited'
  | 'timeout'
  | 'network'
  | 'server';

export const linearErrorKinds: readonly LinearErrorKind[] = [
  'invalid_input',
  'not_found',
  'authentication',
  'forbidden',
  'rate_limited',
  'timeout',
  'network',
  'server',
];

/** The plain-JSON form stored in a `tool_failed` event. */
export interface LinearErrorJson {
  kind: LinearErrorKind;
  message: string;
  retryable: boolean;
  resetAt?: string;
}

export interface LinearErrorOptions {
  /** Defaults by kind: rate limits, timeouts, network and server errors are worth retrying, the rest are not. */
  retryable?: boolean;
  /** When a rate limit lifts (from Linear's `X-RateLimit-Requests-Reset`). */
  resetAt?: Date;
  cause?: unknown;
}

/** The prefix the model reads first, e.g. `invalid input: teamId must be a UUID.` */
function labelOf(kind: LinearErrorKind): string {
  switch (kind) {
    case 'invalid_input':
      return 'invalid input';
    case 'not_found':
      return 'not found';
    case 'authentication':
      return 'authentication failed';
    case 'forbidden':
      return 'forbidden';
    case 'rate_limited':
      return 'rate limited';
    case 'timeout':
      return 'timeout';
    case 'network':
      return 'network error';
    case 'server':
      return 'Linear server error';
    default: {
      const never: never = kind;
      throw new Error(`unknown Linear error kind ${String(never)}`);
    }
  }
}

function retryableByDefault(kind: LinearErrorKind): boolean {
  switch (kind) {
    case 'rate_limited':
    case 'timeout':
    case 'network':
    case 'server':
      return true;
    case 'invalid_input':
    case 'not_found':
    case 'authentication':
    case 'forbidden':
      return false;
    default: {
      const never: never = kind;
      throw new Error(`unknown Linear error kind ${String(never)}`);
    }
  }
}

export class LinearError extends Error {
  readonly [marker] = true;
  readonly retryable: boolean;
  readonly resetAt: Date | undefined;

  /** `detail` is what Linear (or we) said, without the kind's prefix. */
  constructor(
    readonly kind: LinearErrorKind,
    readonly detail: string,
    options: LinearErrorOptions = {},
  ) {
    super(`${labelOf(kind)}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LinearError';
    this.retryable = options.retryable ?? retryableByDefault(kind);
    this.resetAt = options.resetAt;
  }

  static isInstance(value: unknown, kind?: LinearErrorKind): value is LinearError {
    return (
      typeof value === 'object' &&
      value !== null &&
      marker in value &&
      (kind === undefined || Reflect.get(value, 'kind') === kind)
    );
  }

  toJSON(): LinearErrorJson {
    const json: LinearErrorJson = { kind: this.kind, message: this.message, retryable: this.retryable };
    if (this.resetAt !== undefined) json.resetAt = this.resetAt.toISOString();
    return json;
  }
}
