// Keeps a thread's lease while a run holds it: a heartbeat every third of the lease renews it, and a lease lost to
// another worker aborts the run — unless the run's own append released it (the thread paused), which stops nothing.
import type { Lease, ThreadStore } from '../store/thread-store.js';
import type { Logger } from '../support/logger.js';

export interface LeaseKeeper {
  /** The lease as last renewed. */
  readonly lease: Lease;
  /** The run's own append released the lease: a heartbeat that finds it gone is expected. */
  released(): void;
  readonly isReleased: boolean;
  /** Stops the heartbeats and waits for one in flight, so nothing renews the lease after this returns. */
  stop(): Promise<void>;
}

export function keepLease(store: Pick<ThreadStore, 'heartbeat'>, initial: Lease, leaseMs: number, abort: AbortController, log: Pick<Logger, 'warn'>): LeaseKeeper {
  let lease = initial;
  let released = false;
  let beat: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beat = store.heartbeat(lease, leaseMs).then(
      (renewed) => {
        if (renewed) lease = renewed;
        else if (!released) abort.abort(new Error('lease lost'));
      },
      (error: unknown) => log.warn({ err: error }, 'heartbeat failed'),
    );
  }, Math.max(50, Math.floor(leaseMs / 3)));
  return {
    get lease() {
      return lease;
    },
    get isReleased() {
      return released;
    },
    released() {
      released = true;
    },
    async stop() {
      clearInterval(timer);
      await beat;
    },
  };
}
