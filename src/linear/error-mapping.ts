// Turns whatever a Linear request failed with into a LinearError. Two sources: Linear's answer (GraphQL `errors[]`
// with `extensions.code/type/userPresentableMessage`, plus HTTP status and rate-limit headers), which @linear/sdk's
// rawRequest throws as its own LinearError with the untouched reply in `raw.response`; and the transport (fetch's
// TypeError with a `cause.code`, an abort), which rawRequest lets through as is.
//
// We classify from the raw reply rather than the SDK's `type`: the SDK keys only on `extensions.type`, and Linear's
// rate-limit and not-found replies are recognised by `extensions.code` and the message respectively.
import { z } from 'zod';
import { retryAfterMs } from '../core/retry-after.js';
import { LinearError, type LinearErrorKind } from './linear-error.js';

// Lenient on purpose: an unexpected field in an error must not turn Linear's refusal into an unreadable one.
const maybe = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const graphQLErrorEntry = z.object({
  message: maybe(z.string()),
  path: maybe(z.array(z.union([z.string(), z.number()]))),
  extensions: maybe(
    z.object({
      code: maybe(z.string()),
      type: maybe(z.string()),
      userError: maybe(z.boolean()),
      userPresentableMessage: maybe(z.string()),
    }),
  ),
});
export type GraphQLErrorEntry = z.infer<typeof graphQLErrorEntry>;

export interface HeaderLookup {
  get(name: string): string | null;
}

/** Linear's reply to a failed request, whether it came over HTTP or from the local workspace. */
export interface FailedReply {
  errors: readonly GraphQLErrorEntry[];
  status?: number;
  headers?: HeaderLookup;
  /** A non-JSON body (a proxy's error page), for the message. */
  text?: string;
}

// The SDK's LinearError: only the reply it wraps is read.
const sdkFailure = z.object({
  raw: z.object({
    response: z.object({
      errors: z.array(graphQLErrorEntry).optional().catch([]),
      error: maybe(z.string()),
      status: maybe(z.number()),
      headers: maybe(z.instanceof(Headers)),
    }),
  }),
});

const fetchFailure = z.object({
  name: z.string(),
  message: z.string(),
  cause: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
});

// Most telling first: when Linear reports several errors, a bad key explains everything else.
const precedence: readonly LinearErrorKind[] = ['authentication', 'forbidden', 'rate_limited', 'not_found', 'invalid_input', 'server'];

interface Classified {
  kind: LinearErrorKind;
  retryable?: boolean;
  detail: string;
}

function classifyEntry(entry: GraphQLErrorEntry): Classified {
  const code = entry.extensions?.code?.toUpperCase();
  const type = entry.extensions?.type?.toLowerCase();
  const message = entry.message ?? 'no message';
  const detail = entry.extensions?.userPresentableMessage ?? message;
  if (code === 'AUTHENTICATION_ERROR' || type === 'authentication error') return { kind: 'authentication', detail };
  if (code === 'FORBIDDEN' || type === 'forbidden' || type === 'feature not accessible') return { kind: 'forbidden', detail };
  if (code === 'RATELIMITED' || type === 'ratelimited') return { kind: 'rate_limited', detail };
  // Linear answers a missing entity as invalid input whose message names it: "Entity not found: Issue".
  if (/^entity not found/i.test(message) || code === 'ENTITY_NOT_FOUND') return { kind: 'not_found', detail };
  if (code === 'INVALID_INPUT' || code === 'INPUT_ERROR' || type === 'invalid input' || type === 'user error') {
    return { kind: 'invalid_input', detail };
  }
  // A query Linear's schema rejects is our bug, not the model's: retrying or rephrasing will not help.
  if (code === 'GRAPHQL_VALIDATION_FAILED' || type === 'graphql error') {
    return { kind: 'server', retryable: false, detail: `Linear rejected the query: ${message}` };
  }
  if (type === 'internal error' || type === 'lock timeout' || type === 'network error') return { kind: 'server', detail };
  if (entry.extensions?.userError === true) return { kind: 'invalid_input', detail };
  return { kind: 'server', retryable: false, detail };
}

function classifyStatus(status: number | undefined, text: string | undefined): Classified {
  const said = text === undefined || text.trim() === '' ? '' : `: ${text.trim().replace(/\s+/g, ' ').slice(0, 120)}`;
  const detail = `Linear answered HTTP ${status ?? 'without a status'}${said}`;
  if (status === 401) return { kind: 'authentication', detail };
  if (status === 403) return { kind: 'forbidden', detail };
  if (status === 429) return { kind: 'rate_limited', detail };
  if (status === 408) return { kind: 'timeout', detail };
  if (status !== undefined && status >= 500) return { kind: 'server', detail };
  return { kind: 'server', retryable: false, detail };
}

function headerNumber(headers: HeaderLookup | undefined, name: string): number | undefined {
  const raw = headers?.get(name);
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * When Linear will take requests again. `X-RateLimit-*-Reset` are epoch milliseconds; of the request and
 * complexity budgets, the exhausted one decides.
 */
export function rateLimitResetAt(headers: HeaderLookup | undefined, now: Date): Date | undefined {
  const budgets = ['requests', 'complexity'].map((budget) => ({
    remaining: headerNumber(headers, `x-ratelimit-${budget}-remaining`),
    reset: headerNumber(headers, `x-ratelimit-${budget}-reset`),
  }));
  const exhausted = budgets.filter((b) => b.remaining === 0 && b.reset !== undefined).map((b) => b.reset ?? 0);
  const resets = exhausted.length > 0 ? exhausted : budgets.flatMap((b) => (b.reset === undefined ? [] : [b.reset]));
  if (resets.length > 0) return new Date(Math.max(...resets));
  return retryAfterAt(headers, now);
}

/** `Retry-After`, in seconds or as an HTTP-date, as the time to come back. */
function retryAfterAt(headers: HeaderLookup | undefined, now: Date): Date | undefined {
  const wait = retryAfterMs(headers?.get('retry-after'), now.getTime());
  return wait === undefined ? undefined : new Date(now.getTime() + wait);
}

export function linearErrorFromReply(reply: FailedReply, now: Date): LinearError {
  const classified = reply.errors.map(classifyEntry);
  const chosen =
    precedence.map((kind) => classified.find((c) => c.kind === kind)).find((c) => c !== undefined) ??
    classifyStatus(reply.status, reply.text);
  if (chosen.kind === 'rate_limited') {
    const resetAt = rateLimitResetAt(reply.headers, now);
    const when = resetAt === undefined ? '' : ` (resets at ${resetAt.toISOString()})`;
    return new LinearError('rate_limited', `${chosen.detail}${when}`, { resetAt });
  }
  // A gateway's 503 may say when to come back; the retry waits that long instead of guessing.
  const comeBack = chosen.retryable === false ? undefined : retryAfterAt(reply.headers, now);
  return new LinearError(chosen.kind, chosen.detail, { retryable: chosen.retryable, ...(comeBack === undefined ? {} : { resetAt: comeBack }) });
}

const networkCauses: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed before Linear answered',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

const timeoutCauses = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** For a request that did not complete: `timedOut` says our own deadline fired, which fetch reports as an abort. */
export function linearErrorFromFailure(error: unknown, context: { now: Date; timeoutMs: number; timedOut: boolean }): LinearError {
  if (LinearError.isInstance(error)) return error;
  if (context.timedOut) return new LinearError('timeout', `no answer from Linear within ${context.timeoutMs} ms`, { cause: error });
  const sdk = sdkFailure.safeParse(error);
  if (sdk.success) {
    const { errors, error: text, status, headers } = sdk.data.raw.response;
    return linearErrorFromReply({ errors: errors ?? [], status, headers, text }, context.now);
  }
  const failure = fetchFailure.safeParse(error);
  if (failure.success) {
    const { name, message, cause } = failure.data;
    if (name === 'AbortError') return new LinearError('timeout', 'the request was cancelled', { retryable: false, cause: error });
    if (name === 'TimeoutError') return new LinearError('timeout', `no answer from Linear within ${context.timeoutMs} ms`, { cause: error });
    const code = cause?.code;
    if (code !== undefined && timeoutCauses.has(code)) return new LinearError('timeout', `no answer from Linear (${code})`, { cause: error });
    if (code !== undefined) return new LinearError('network', `${networkCauses[code] ?? cause?.message ?? message} (${code})`, { cause: error });
    if (name === 'SyntaxError') return new LinearError('server', 'Linear sent an unreadable response', { cause: error });
    return new LinearError('network', cause?.message ?? message, { cause: error });
  }
  return new LinearError('network', String(error), { cause: error });
}
