// Thread ids: prefixed, unique, and in creation order, so a new thread's index rows land together (#15 perf).
import { describe, expect, it } from 'vitest';
import { parseThreadId, randomIds } from '../../src/core/ids.js';
import { threadIdParam } from '../../src/server/schemas.js';

/** The next id made once the wall clock has moved to a later millisecond (bounded: a ms is short). */
function idInALaterMillisecond(): string {
  const start = Date.now();
  for (let spins = 0; spins < 10_000_000; spins++) if (Date.now() > start) return randomIds.threadId();
  throw new Error('the clock did not advance');
}

describe('thread ids', () => {
  it('look like thr_ and 32 hex digits, parse, pass the route schema and never repeat', () => {
    const ids = Array.from({ length: 2000 }, () => randomIds.threadId());
    for (const id of ids) {
      expect(id).toMatch(/^thr_[0-9a-f]{32}$/);
      expect(parseThreadId(id)).toBe(id);
      expect(threadIdParam.safeParse(id).success).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('made in a later millisecond sort after every earlier one (keys that lead with the id stay in creation order)', () => {
    const made: string[] = [randomIds.threadId()];
    for (let i = 0; i < 20; i++) made.push(idInALaterMillisecond());
    expect(made).toEqual(made.toSorted());
  });
});
