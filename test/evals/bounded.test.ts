// The eval's bound on model calls in flight: never more than the limit at once, every item run, results in order.
import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../src/evals/bounded.js';

describe('mapBounded', () => {
  it('keeps at most the limit in flight, starts the next as one ends, and returns results in input order', async () => {
    const waiting: Array<() => void> = [];
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const run = mapBounded([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      return n * 10;
    });
    // Released one at a time, last started first: the pool refills as each ends.
    for (let released = 0; released < 5; released++) {
      for (let i = 0; i < 100 && waiting.length === 0; i++) await Promise.resolve();
      expect(inFlight).toBeLessThanOrEqual(2);
      waiting.pop()?.();
    }
    expect(await run).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
    expect(started.sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
