// A clock and a sleep that move only when the test says: schedulers wait on it, the test moves it and sees who woke.
import type { Clock } from '../../src/core/ids.js';
import type { Sleep } from '../../src/channels/schedule/scheduler.js';

export interface ManualTime {
  clock: Clock;
  sleep: Sleep;
  /** How many sleeps are waiting now. */
  readonly sleepers: number;
  /** Moves the clock to `at` and wakes every sleep due by then. */
  set(at: Date): void;
}

export function manualTime(start: Date): ManualTime {
  let now = start.getTime();
  const waiting = new Set<{ until: number; wake: () => void }>();
  return {
    clock: { now: () => new Date(now) },
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const sleeper = {
          until: now + ms,
          wake: () => {
            waiting.delete(sleeper);
            signal.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        waiting.add(sleeper);
        signal.addEventListener('abort', sleeper.wake);
      }),
    get sleepers() {
      return waiting.size;
    },
    set(at) {
      now = at.getTime();
      for (const sleeper of [...waiting]) if (sleeper.until <= now) sleeper.wake();
    },
  };
}

/** Polls `check` until it holds; fails after `ms` of real time (a bound, not a timing assertion). */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
