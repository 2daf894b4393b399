// How Linear's replies and transport failures become LinearErrors, including shapes the double does not produce
// (several errors at once, complexity limits, bodies without extensions).
import { describe, expect, it } from 'vitest';
import { linearErrorFromFailure, linearErrorFromReply, rateLimitResetAt } from '../../src/linear/error-mapping.js';
import { idempotentId } from '../../src/linear/idempotent-id.js';
import { LinearError, linearErrorKinds } from '../../src/linear/linear-error.js';

const now = new Date('2026-03-02T09:00:00.000Z');
const reply = (errors: object[], status = 200, headers: Record<string, string> = {}) =>
  linearErrorFromReply({ errors, status, headers: new Headers(headers) }, now).toJSON();

describe('linearErrorFromReply', () => {
  it('reads invalid input from extensions and prefers the message meant for people', () => {
    expect(
      reply([{ message: 'Argument Validation Error', extensions: { code: 'INVALID_INPUT', type: 'invalid input', userPresentableMessage: 'teamId must be a UUID.' } }], 400),
    ).toEqual({ kind: 'invalid_input', message: 'invalid input: teamId must be a UUID.', retryable: false });
  });

  it('recognises a missing entity by its message, whatever the code', () => {
    expect(reply([{ message: 'Entity not found: Issue' }]).kind).toBe('not_found');
    expect(reply([{ message: 'Entity not found: Team', extensions: { code: 'INPUT_ERROR', type: 'invalid input' } }]).kind).toBe('not_found');
  });

  it('recognises RATELIMITED by code alone, with the reset from the exhausted budget', () => {
    const limited = reply([{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }], 400, {
      'x-ratelimit-requests-remaining': '120',
      'x-ratelimit-requests-reset': String(now.getTime() + 5_000),
      'x-ratelimit-complexity-remaining': '0',
      'x-ratelimit-complexity-reset': String(now.getTime() + 20_000),
    });
    expect(limited).toEqual({
      kind: 'rate_limited',
      message: 'rate limited: Rate limit exceeded (resets at 2026-03-02T09:00:20.000Z)',
      retryable: true,
      resetAt: '2026-03-02T09:00:20.000Z',
    });
  });

  it('falls back to Retry-After seconds when Linear sends no reset', () => {
    expect(rateLimitResetAt(new Headers({ 'retry-after': '3' }), now)?.toISOString()).toBe('2026-03-02T09:00:03.000Z');
    expect(rateLimitResetAt(new Headers(), now)).toBeUndefined();
  });

  it('lets an authentication error explain the others', () => {
    const both = reply([{ message: 'Entity not found: Issue' }, { message: 'Authentication required', extensions: { code: 'AUTHENTICATION_ERROR' } }]);
    expect(both.kind).toBe('authentication');
  });

  it('maps forbidden, internal errors and schema rejections', () => {
    expect(reply([{ message: 'Forbidden', extensions: { type: 'forbidden' } }]).kind).toBe('forbidden');
    expect(reply([{ message: 'boom', extensions: { type: 'internal error' } }], 500)).toEqual({
      kind: 'server',
      message: 'Linear server error: boom',
      retryable: true,
    });
    expect(reply([{ message: 'Cannot query field "x" on type "Issue".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }], 400)).toEqual({
      kind: 'server',
      message: 'Linear server error: Linear rejected the query: Cannot query field "x" on type "Issue".',
      retryable: false,
    });
  });

  it('classifies by HTTP status when the body has no GraphQL errors', () => {
    const status = (code: number, text?: string) => linearErrorFromReply({ errors: [], status: code, text }, now).toJSON();
    expect(status(401).kind).toBe('authentication');
    expect(status(403).kind).toBe('forbidden');
    expect(status(429).kind).toBe('rate_limited');
    expect(status(503, '<h1>503 Service Unavailable</h1>')).toEqual({
      kind: 'server',
      message: 'Linear server error: Linear answered HTTP 503: <h1>503 Service Unavailable</h1>',
      retryable: true,
    });
    expect(status(404).retryable).toBe(false);
  });
});

describe('linearErrorFromFailure', () => {
  const context = { now, timeoutMs: 1_000, timedOut: false };
  const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

  it('maps transport failures by their cause', () => {
    expect(linearErrorFromFailure(fetchFailed('ECONNREFUSED'), context).message).toBe('network error: connection refused (ECONNREFUSED)');
    expect(linearErrorFromFailure(fetchFailed('UND_ERR_SOCKET'), context).kind).toBe('network');
    expect(linearErrorFromFailure(fetchFailed('UND_ERR_CONNECT_TIMEOUT'), context).kind).toBe('timeout');
  });

  it('tells our deadline from a caller cancelling', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(linearErrorFromFailure(abort, { ...context, timedOut: true }).toJSON()).toEqual({
      kind: 'timeout',
      message: 'timeout: no answer from Linear within 1000 ms',
      retryable: true,
    });
    expect(linearErrorFromFailure(abort, context).retryable).toBe(false);
  });

  it("reads Linear's reply out of the SDK's error, even with fields of unexpected types", () => {
    const sdkError = Object.assign(new Error('Entity not found: Issue'), {
      raw: { response: { errors: [{ message: 'Entity not found: Issue', extensions: { userError: 'yes', code: 42 } }], status: 200, headers: new Headers() } },
    });
    expect(linearErrorFromFailure(sdkError, context).toJSON()).toEqual({ kind: 'not_found', message: 'not found: Entity not found: Issue', retryable: false });
  });

  it('passes a LinearError through untouched', () => {
    const error = new LinearError('not_found', 'gone');
    expect(linearErrorFromFailure(error, context)).toBe(error);
  });
});

describe('LinearError', () => {
  it('is recognised by its marker and kind', () => {
    const error = new LinearError('rate_limited', 'slow down', { resetAt: now });
    expect(LinearError.isInstance(error)).toBe(true);
    expect(LinearError.isInstance(error, 'rate_limited')).toBe(true);
    expect(LinearError.isInstance(error, 'timeout')).toBe(false);
    expect(LinearError.isInstance(new Error('rate limited: slow down'))).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ kind: 'rate_limited', message: 'rate limited: slow down', retryable: true, resetAt: now.toISOString() });
  });

  it('retries only what is worth retrying by default', () => {
    const retryable = linearErrorKinds.filter((kind) => new LinearError(kind, 'x').retryable);
    expect(retryable).toEqual(['rate_limited', 'timeout', 'network', 'server']);
  });
});

describe('idempotentId', () => {
  it('derives the same v4-format UUID from the same key, and different ones otherwise', () => {
    const id = idempotentId('issue', 'thr_1:call_3');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idempotentId('issue', 'thr_1:call_3')).toBe(id);
    expect(idempotentId('comment', 'thr_1:call_3')).not.toBe(id);
    expect(idempotentId('issue', 'thr_1:call_4')).not.toBe(id);
    expect(idempotentId('issue', 'thr_1:call_3', '00000000-0000-0000-0000-000000000000')).not.toBe(id);
  });
});
