// Branded, prefixed identifiers: a thread id can never be passed where a call id is expected.
import { randomBytes, randomUUID } from 'node:crypto';

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ThreadId = Brand<string, 'ThreadId'>;
export type EventId = Brand<string, 'EventId'>;
export type CallId = Brand<string, 'CallId'>;
export type ClaimToken = Brand<string, 'ClaimToken'>;

const prefixes = { ThreadId: 'thr_', EventId: 'evt_', CallId: 'call_', ClaimToken: 'clm_' } as const;

export interface IdSource {
  threadId(): ThreadId;
  eventId(): EventId;
  callId(): CallId;
  claimToken(): ClaimToken;
}

const compact = (): string => randomUUID().replaceAll('-', '');

/**
 * 32 hex digits like `compact`, but the first 12 are the creation time in ms: a new thread's rows in keys that lead
 * with its id (each search term's threads, above all) land at the end of the key's range instead of on a random
 * page, so a commit writes one page per term instead of one per term and thread. 80 random bits keep it unique.
 */
const timeOrdered = (): string => Date.now().toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');

export const randomIds: IdSource = {
  threadId: () => (prefixes.ThreadId + timeOrdered()) as ThreadId,
  eventId: () => (prefixes.EventId + compact()) as EventId,
  callId: () => (prefixes.CallId + compact()) as CallId,
  claimToken: () => (prefixes.ClaimToken + compact()) as ClaimToken,
};

/** Deterministic ids for tests: thr_1, evt_1, call_1 … */
export function sequentialIds(): IdSource {
  let n = 0;
  const next = (prefix: string): string => `${prefix}${++n}`;
  return {
    threadId: () => next(prefixes.ThreadId) as ThreadId,
    eventId: () => next(prefixes.EventId) as EventId,
    callId: () => next(prefixes.CallId) as CallId,
    claimToken: () => next(prefixes.ClaimToken) as ClaimToken,
  };
}

const isPrefixed = (prefix: string) => (value: string): boolean =>
  value.startsWith(prefix) && /^[a-z]+_[A-Za-z0-9-]+$/.test(value);

export function parseThreadId(value: string): ThreadId | undefined {
  return isPrefixed(prefixes.ThreadId)(value) ? (value as ThreadId) : undefined;
}

export function asCallId(value: string): CallId | undefined {
  return isPrefixed(prefixes.CallId)(value) ? (value as CallId) : undefined;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
