// The SDK adapter honours Linear's (or its gateway's) Retry-After, in seconds or as an HTTP-date, within the call's
// budget; the waits are recorded by an injected sleep on an injected clock, so nothing here really waits.
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/ids.js';
import type { Sleep } from '../../src/linear/retry.js';
import { failure, openSdkOverDouble, type SdkUnderTest } from './fixtures.js';

let opened: SdkUnderTest | undefined;
afterEach(async () => {
  if (opened === undefined) return;
  expect(opened.double.internalErrors).toEqual([]);
  expect(opened.double.faults.pending()).toEqual([]);
  await opened.close();
  opened = undefined;
});

/** A clock that moves only when the adapter sleeps. */
function fakeTime(start = Date.UTC(2026, 2, 2, 9, 0, 0)): { clock: Clock; sleep: Sleep; waits: number[] } {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    clock: { now: () => new Date(t) },
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  };
}

async function open(time: ReturnType<typeof fakeTime>, budgetMs = 30_000): Promise<SdkUnderTest> {
  opened = await openSdkOverDouble({ sleep: time.sleep, clock: time.clock, rateLimitMarginMs: 0, budgetMs, random: () => 1 });
  return opened;
}

describe('#9.6 Retry-After on the Linear path', () => {
  it('#9.6e: a 429 with `retry-after: 5` → one wait of exactly 5 s, then the call succeeds', async () => {
    const time = fakeTime();
    const { port, double } = await open(time);
    double.faults.next({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
    expect(await port.listTeams()).toHaveLength(3);
    expect(time.waits).toEqual([5_000]);
    expect(double.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('#9.6f: an HTTP-date Retry-After waits until that time', async () => {
    const time = fakeTime();
    const { port, double } = await open(time);
    double.faults.next({ kind: 'status', status: 429, headers: { 'retry-after': new Date(time.clock.now().getTime() + 7_000).toUTCString() } });
    expect(await port.listTeams()).toHaveLength(3);
    expect(time.waits).toEqual([7_000]);
  });

  it('#9.6g: a 503 that says when to come back is believed over the backoff', async () => {
    const time = fakeTime();
    const { port, double } = await open(time);
    double.faults.next({ kind: 'status', status: 503, headers: { 'retry-after': '3' } });
    expect(await port.listTeams()).toHaveLength(3);
    expect(time.waits).toEqual([3_000]);
  });

  it('#9.6h: a wait beyond the budget is not slept: rate_limited at once, retryable, with the wait in the message', async () => {
    const time = fakeTime();
    const { port, double } = await open(time, 30_000);
    double.faults.next({ kind: 'status', status: 429, headers: { 'retry-after': '300' } });
    const refused = await failure(port.listTeams());
    expect(refused).toEqual({
      kind: 'rate_limited',
      message: 'rate limited: Linear answered HTTP 429: <html><head><title>429</title></head><body><center><h1>429</h1></center><hr><center>cloudflare</center></body></html> (resets at 2026-03-02T09:05:00.000Z) (retry in 300 s: longer than this call may wait)',
      retryable: true,
      resetAt: '2026-03-02T09:05:00.000Z',
    });
    expect(time.waits).toEqual([]);
    expect(double.requests).toHaveLength(1);
  });
});
