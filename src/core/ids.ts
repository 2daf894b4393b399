// Branded, prefixed identifiers: a thread id can never be passed where a call id is expected.
import { randomUUID } from 'node:crypto';

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

export const randomIds: IdSource = {
  threadId: () => (prefixes.ThreadId + compact()) as ThreadId,
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
