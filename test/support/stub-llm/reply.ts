// What a test can script the stub model to do, and the one place that decides which kind of reply an object is.
import type { StubRequest } from './openai-wire.js';

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

export interface StubUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly total_tokens?: number;
  /** Of `prompt_tokens`, how many were read from the cache: sent in each wire's own shape, only when scripted. */
  readonly cached_tokens?: number;
  /** Of `prompt_tokens`, how many were written to the cache (Anthropic's `cache_creation_input_tokens`). */
  readonly cache_write_tokens?: number;
}

/** Plain JSON content: sent as `JSON.stringify(value)`, the common case (a step such as `{ intent: 'list_teams' }`). */
export type StubJson = { readonly [key: string]: unknown } | readonly unknown[];

/**
 * A full completion. Also the escape hatch for JSON content whose keys would otherwise read as a fault
 * (`{ content: { status: 'open' } }`).
 */
export interface StubCompletion {
  readonly content: string | StubJson;
  readonly finishReason?: FinishReason;
  /** Overrides the estimated counts field by field; `total_tokens` defaults to the sum. */
  readonly usage?: StubUsage;
}

/** An HTTP error before any body is streamed; the body defaults to OpenAI's error shape for the status. */
export interface StubHttpFault {
  readonly status: number;
  readonly retryAfterSeconds?: number;
  /** A string is sent as is (text/plain); anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Exactly these bytes, whatever the API: a proxy's HTML page, a body cut off mid-JSON, a 200 with no `choices`.
 * Status defaults to 200 and content-type to application/json (set `headers` for text/html).
 */
export interface StubRawBody {
  readonly rawBody: string;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Wait, then play `then`; if the client gives up first, nothing is written (a client-side timeout). */
export interface StubDelay {
  readonly delayMs: number;
  readonly then: StubReply;
}

/** Destroy the socket without answering (a lost response). */
export interface StubHangUp {
  readonly hangUp: true;
}

/**
 * Decides the reply from the request. Caveat: an async function must not return a `StubDelay` whose `then` is a
 * function, because a promise adopts any object with a callable `then` (it would be called as a thenable).
 */
export type StubDynamic = (request: StubRequest) => StubReply | Promise<StubReply>;

/**
 * One scripted answer. An object is JSON content unless it uses a reserved key (content, finishReason, usage,
 * status, retryAfterSeconds, delayMs, hangUp, rawBody): then it must be one of the control shapes above.
 */
export type StubReply = string | StubCompletion | StubHttpFault | StubRawBody | StubDelay | StubHangUp | StubDynamic | StubJson;

/** A reply once classified: what the server acts on. */
export type Play =
  | { readonly kind: 'completion'; readonly content: string; readonly finishReason: FinishReason; readonly usage: StubUsage | undefined }
  | { readonly kind: 'http-fault'; readonly fault: StubHttpFault }
  | { readonly kind: 'raw'; readonly status: number; readonly body: string; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'delay'; readonly delayMs: number; readonly then: StubReply }
  | { readonly kind: 'hang-up' }
  | { readonly kind: 'dynamic'; readonly reply: StubDynamic };

const FINISH_REASONS: readonly FinishReason[] = ['stop', 'length', 'content_filter', 'tool_calls'];
const isFinishReason = (value: unknown): value is FinishReason => FINISH_REASONS.some((reason) => reason === value);

// Keys that make an object a control reply rather than JSON content. An object using one of them must be a
// well-formed control reply, so a typo (`retryAfter`) fails loudly at script time instead of becoming content.
const SHAPES = {
  completion: { required: ['content'], allowed: ['content', 'finishReason', 'usage'] },
  raw: { required: ['rawBody'], allowed: ['rawBody', 'status', 'headers'] },
  'http-fault': { required: ['status'], allowed: ['status', 'retryAfterSeconds', 'body', 'headers'] },
  delay: { required: ['delayMs', 'then'], allowed: ['delayMs', 'then'] },
  'hang-up': { required: ['hangUp'], allowed: ['hangUp'] },
} as const;
// `raw` before `http-fault`: a raw body may name a status too.
const SHAPE_NAMES = ['completion', 'raw', 'http-fault', 'delay', 'hang-up'] as const;
const CONTROL_KEYS = new Set<string>(['content', 'finishReason', 'usage', 'status', 'retryAfterSeconds', 'delayMs', 'hangUp', 'rawBody']);

export class StubScriptError extends TypeError {
  override readonly name = 'StubScriptError';
}

/** Classifies a reply, throwing StubScriptError for a malformed one. Delays are checked down to what they play. */
export function classify(reply: StubReply): Play {
  if (typeof reply === 'function') return { kind: 'dynamic', reply };
  if (typeof reply === 'string') return { kind: 'completion', content: reply, finishReason: 'stop', usage: undefined };
  if (isArray(reply)) return json(reply);
  // A plain copy of the own keys: interfaces have no index signature to read arbitrary keys through.
  const record: Readonly<Record<string, unknown>> = Object.fromEntries(Object.entries(reply));
  const keys = Object.keys(record);
  if (!keys.some((key) => CONTROL_KEYS.has(key))) return json(record);
  const shape = SHAPE_NAMES.find((name) => SHAPES[name].required.every((key) => key in record));
  if (shape === undefined) throw malformed(record, 'it uses a reserved key but matches no reply shape');
  const allowed: readonly string[] = SHAPES[shape].allowed;
  const unknown = keys.filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw malformed(record, `unknown key(s) ${unknown.join(', ')} for a ${shape} reply`);
  switch (shape) {
    case 'completion':
      return completion(record);
    case 'http-fault':
      return httpFault(record);
    case 'raw': {
      const { rawBody, status = 200 } = record;
      if (typeof rawBody !== 'string') throw malformed(record, 'rawBody must be a string');
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
        throw malformed(record, 'status must be an HTTP status (200-599)');
      }
      return { kind: 'raw', status, body: rawBody, headers: headersOf(record) };
    }
    case 'delay': {
      const { delayMs, then } = record;
      if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
        throw malformed(record, 'delayMs must be a non-negative number');
      }
      if (!isReply(then)) throw malformed(record, '`then` must be a reply');
      classify(then);
      return { kind: 'delay', delayMs, then };
    }
    case 'hang-up':
      if (record['hangUp'] !== true) throw malformed(record, 'hangUp must be true');
      return { kind: 'hang-up' };
    default: {
      const never: never = shape;
      throw new StubScriptError(`stub-llm: unhandled reply shape ${String(never)}`);
    }
  }
}

function json(value: StubJson): Play {
  return { kind: 'completion', content: JSON.stringify(value), finishReason: 'stop', usage: undefined };
}

function completion(record: Readonly<Record<string, unknown>>): Play {
  const { content, finishReason = 'stop', usage } = record;
  let text: string;
  if (typeof content === 'string') text = content;
  else if (typeof content === 'object' && content !== null) text = JSON.stringify(content);
  else throw malformed(record, 'content must be a string or a JSON object/array');
  if (!isFinishReason(finishReason)) throw malformed(record, `finishReason must be one of ${FINISH_REASONS.join(', ')}`);
  return { kind: 'completion', content: text, finishReason, usage: parseUsage(record, usage) };
}

function parseUsage(record: Readonly<Record<string, unknown>>, usage: unknown): StubUsage | undefined {
  if (usage === undefined) return undefined;
  if (typeof usage !== 'object' || usage === null) throw malformed(record, 'usage must be an object');
  const fields: Record<string, number> = {};
  for (const [key, value] of Object.entries(usage)) {
    if (!['prompt_tokens', 'completion_tokens', 'total_tokens', 'cached_tokens', 'cache_write_tokens'].includes(key)) {
      throw malformed(record, `unknown usage field ${key}`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw malformed(record, `usage.${key} must be a non-negative integer`);
    }
    fields[key] = value;
  }
  return fields;
}

function httpFault(record: Readonly<Record<string, unknown>>): Play {
  const { status, retryAfterSeconds, body } = record;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw malformed(record, 'status must be an HTTP error status (400-599)');
  }
  if (retryAfterSeconds !== undefined && (typeof retryAfterSeconds !== 'number' || retryAfterSeconds < 0)) {
    throw malformed(record, 'retryAfterSeconds must be a non-negative number');
  }
  const headerMap = headersOf(record);
  return {
    kind: 'http-fault',
    fault: {
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(body === undefined ? {} : { body }),
      headers: headerMap,
    },
  };
}

function headersOf(record: Readonly<Record<string, unknown>>): Record<string, string> {
  const { headers } = record;
  const headerMap: Record<string, string> = {};
  if (headers === undefined) return headerMap;
  if (typeof headers !== 'object' || headers === null) throw malformed(record, 'headers must be an object');
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw malformed(record, `header ${name} must be a string`);
    headerMap[name] = value;
  }
  return headerMap;
}

// Array.isArray does not narrow a readonly array type.
function isArray(value: object): value is readonly unknown[] {
  return Array.isArray(value);
}

function isReply(value: unknown): value is StubReply {
  return typeof value === 'string' || typeof value === 'function' || (typeof value === 'object' && value !== null);
}

function malformed(record: Readonly<Record<string, unknown>>, why: string): StubScriptError {
  let shown: string;
  try {
    shown = JSON.stringify(record);
  } catch {
    shown = Object.keys(record).join(', ');
  }
  return new StubScriptError(
    `stub-llm: malformed reply ${shown}: ${why}. To send an object with these keys as JSON content, wrap it: { content: {...} }`,
  );
}
