// The SDK adapter when Linear or the network misbehaves: a wrong key, rate limits, timeouts, 5xx, a refused
// connection, and responses lost after a mutation committed (which must never duplicate an issue or comment).
import { afterEach, describe, expect, it } from 'vitest';
import { realSleep, type Sleep } from '../../src/linear/retry.js';
import { createSdkLinear } from '../../src/linear/sdk-adapter.js';
import { failure, openSdkOverDouble, type SdkUnderTest } from './fixtures.js';

let opened: SdkUnderTest | undefined;

async function open(options: Parameters<typeof openSdkOverDouble>[0] = {}): Promise<SdkUnderTest> {
  opened = await openSdkOverDouble(options);
  return opened;
}

afterEach(async () => {
  if (opened === undefined) return;
  expect(opened.double.invalidRequests()).toEqual([]);
  expect(opened.double.internalErrors).toEqual([]);
  expect(opened.double.faults.pending()).toEqual([]);
  await opened.close();
  opened = undefined;
});

/** A sleep that really waits and remembers how long it was asked to. */
function recordingSleep(): Sleep & { calls: number[] } {
  const calls: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    calls.push(ms);
    await realSleep(ms, signal);
  };
  return Object.assign(sleep, { calls });
}

const restock = { title: 'Restock fridges with drinks', teamId: 'OPS', assigneeId: 'austin@company.com' };

describe('SDK adapter: authentication', () => {
  it('sends the API key raw in Authorization, as Linear expects personal keys', async () => {
    const { port, double } = await open();
    await port.listTeams();
    expect(double.requests[0]?.authorization).toBe(double.apiKey);
  });

  it('maps a rejected key to authentication, without retrying', async () => {
    const { double } = await open();
    const port = createSdkLinear({ apiKey: 'lin_api_wrong', apiUrl: double.url, backoffMs: 1 });
    expect(await failure(port.listTeams())).toEqual({
      kind: 'authentication',
      message: 'authentication failed: You need to authenticate to access this operation.',
      retryable: false,
    });
    expect(double.requests).toHaveLength(1);
    expect(double.requests[0]?.status).toBe(401);
  });
});

describe('SDK adapter: rate limits', () => {
  it('waits until the reset when it is near, then succeeds', async () => {
    const sleep = recordingSleep();
    const { port, double } = await open({ sleep, rateLimitMarginMs: 20 });
    double.faults.next({ kind: 'ratelimit', resetInMs: 300 });
    const started = Date.now();
    const teams = await port.listTeams();
    expect(teams).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(sleep.calls).toHaveLength(1);
    expect(sleep.calls[0]).toBeGreaterThan(0);
    expect(sleep.calls[0]).toBeLessThanOrEqual(320);
    expect(double.requests.map((r) => r.status)).toEqual([400, 200]);
    expect(double.requests[0]?.errors).toEqual(['Rate limit exceeded']);
  });

  it('reports rate_limited with the reset time when the reset is beyond the longest wait', async () => {
    const sleep = recordingSleep();
    const { port, double } = await open({ sleep, budgetMs: 30_000 });
    double.faults.next({ kind: 'ratelimit', resetInMs: 60_000 });
    const before = Date.now();
    const refused = await failure(port.searchIssues({ query: 'fridge' }));
    expect(refused.kind).toBe('rate_limited');
    expect(refused.retryable).toBe(true);
    const resetAt = Date.parse(refused.resetAt ?? '');
    expect(resetAt).toBeGreaterThanOrEqual(before + 59_000);
    expect(resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(refused.message).toMatch(
      /^rate limited: You have exceeded the rate limit\. Please try again later\. \(resets at .+Z\) \(retry in \d+(\.\d)? s: longer than this call may wait\)$/,
    );
    expect(sleep.calls).toEqual([]);
    expect(double.requests).toHaveLength(1);
  });

  it('waits for a rate limit at most once', async () => {
    // A sleep that returns at once: the retry arrives while Linear is still limiting.
    const calls: number[] = [];
    const { port, double } = await open({ sleep: async (ms) => void calls.push(ms), rateLimitMarginMs: 0 });
    double.faults.next({ kind: 'ratelimit', resetInMs: 5_000 });
    expect((await failure(port.listTeams())).kind).toBe('rate_limited');
    expect(calls).toHaveLength(1);
    expect(double.requests).toHaveLength(2);
  });
});

describe('SDK adapter: lost responses never duplicate', () => {
  it('a create whose response is lost is found by the retry, not made again', async () => {
    const { port, double, store } = await open();
    double.faults.next({ kind: 'lose-response', operation: 'IssueCreate' });
    const issue = await port.createIssue(restock, { idempotencyKey: 'step_1' });
    expect(issue).toMatchObject({ identifier: 'OPS-42', title: 'Restock fridges with drinks', assignee: { name: 'Austin Rivera' } });
    expect(double.operations()).toEqual(['TeamRefs', 'FindUsers', 'IssueById', 'IssueCreate', 'IssueById']);
    expect(double.requests[3]?.fault).toBe('lose-response');
    expect(store.count('issues')).toBe(13);
    expect((await port.searchIssues({ query: 'restock' })).map((i) => i.identifier)).toEqual(['OPS-42']);
  });

  it('a step retried with the same key after a lost response creates exactly one issue', async () => {
    const { port, double, store } = await open({ retries: 0 });
    double.faults.next({ kind: 'lose-response', operation: 'IssueCreate' });
    const lost = await failure(port.createIssue(restock, { idempotencyKey: 'step_1' }));
    expect(lost).toEqual({ kind: 'network', message: 'network error: connection closed before Linear answered (UND_ERR_SOCKET)', retryable: true });
    expect(store.count('issues')).toBe(13);

    const retried = await port.createIssue(restock, { idempotencyKey: 'step_1' });
    expect(retried.identifier).toBe('OPS-42');
    expect(store.count('issues')).toBe(13);
    expect(double.operations().filter((o) => o === 'IssueCreate')).toHaveLength(1);
    expect(await port.getIssue('OPS-42')).toMatchObject({ id: retried.id });
  });

  it('a comment whose response is lost is posted once', async () => {
    const { port, double, store } = await open();
    double.faults.next({ kind: 'lose-response', operation: 'CommentCreate' });
    const comment = await port.addComment('OPS-39', 'Ordered, arriving Thursday.', { idempotencyKey: 'step_2' });
    expect(comment.issue.identifier).toBe('OPS-39');
    expect(store.count('comments')).toBe(5);
    expect(double.operations()).toEqual(['CommentById', 'CommentCreate', 'CommentById']);
  });

  it('an update whose response is lost is simply sent again', async () => {
    const { port, double } = await open();
    double.faults.next({ kind: 'lose-response', operation: 'IssueUpdate' });
    const issue = await port.updateIssue('OPS-40', { stateId: 'Done' }, { idempotencyKey: 'step_3' });
    expect(issue.state.name).toBe('Done');
    expect(double.operations()).toEqual(['IssueContext', 'IssueUpdate', 'IssueUpdate']);
  });
});

describe('SDK adapter: timeouts, 5xx and the network', () => {
  it('retries a read that timed out', async () => {
    const { port, double } = await open({ timeoutMs: 150 });
    double.faults.next({ kind: 'timeout', operation: 'Teams' });
    expect(await port.listTeams()).toHaveLength(3);
    expect(double.requests.map((r) => r.fault)).toEqual(['timeout', undefined]);
  });

  it('gives up with timeout after its retries', async () => {
    const { port, double } = await open({ timeoutMs: 100, retries: 1 });
    double.faults.next({ kind: 'timeout' }).next({ kind: 'timeout' });
    expect(await failure(port.listUsers())).toEqual({ kind: 'timeout', message: 'timeout: no answer from Linear within 100 ms', retryable: true });
    expect(double.requests).toHaveLength(2);
  });

  it('retries a create that timed out before Linear processed it, and creates it once', async () => {
    const { port, double, store } = await open({ timeoutMs: 150 });
    double.faults.next({ kind: 'timeout', operation: 'IssueCreate' });
    const issue = await port.createIssue({ title: 'Restock fridges with drinks', teamId: 'OPS' }, { idempotencyKey: 'step_4' });
    expect(issue.identifier).toBe('OPS-42');
    expect(store.count('issues')).toBe(13);
    expect(double.operations()).toEqual(['TeamRefs', 'IssueById', 'IssueCreate', 'IssueById', 'IssueCreate']);
  });

  it('retries a 5xx with backoff', async () => {
    const sleep = recordingSleep();
    // random 1: the top of the house backoff's jitter, so the waits are exact.
    const { port, double } = await open({ sleep, backoffMs: 5, random: () => 1 });
    double.faults.next({ kind: 'status', status: 503 }).next({ kind: 'status', status: 502 });
    expect((await port.getIssue('OPS-41')).identifier).toBe('OPS-41');
    expect(double.requests.map((r) => r.status)).toEqual([503, 502, 200]);
    expect(sleep.calls).toEqual([5, 10]);
  });

  it('reports a persistent 5xx as a retryable server error', async () => {
    const { port, double } = await open({ retries: 0 });
    double.faults.next({ kind: 'status', status: 502 });
    const refused = await failure(port.listLabels());
    expect(refused.kind).toBe('server');
    expect(refused.retryable).toBe(true);
    expect(refused.message).toMatch(/^Linear server error: Linear answered HTTP 502: <html>/);
  });

  it('maps a refused connection to a retryable network error', async () => {
    const { double } = await open();
    const url = double.url;
    await opened?.close();
    opened = undefined;
    const sleep = recordingSleep();
    const port = createSdkLinear({ apiKey: 'lin_api_x', apiUrl: url, retries: 2, backoffMs: 1, random: () => 1, sleep });
    expect(await failure(port.listTeams())).toEqual({
      kind: 'network',
      message: 'network error: connection refused (ECONNREFUSED)',
      retryable: true,
    });
    expect(sleep.calls).toEqual([1, 2]);
  });

  it("stops when the caller's signal aborts, without retrying", async () => {
    const { port, double } = await open({ timeoutMs: 5_000 });
    double.faults.next({ kind: 'timeout', delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await failure(port.listTeams({ signal: controller.signal }))).toEqual({
      kind: 'timeout',
      message: 'timeout: the request was cancelled',
      retryable: false,
    });
    expect(double.requests).toHaveLength(1);
  });
});
