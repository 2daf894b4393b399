// What other processes wrote, for the inspector's live updates: another `hardway serve` on the same PostgreSQL, or a
// `hardway run` on the same SQLite file. This process's own writes are announced as they are stored
// (thread-changes.ts); the rest is found by reading the most recently updated threads every `intervalMs` and
// announcing each whose last seq moved since the look before. One indexed query per interval, whoever watches.
import type { ThreadId } from '../../core/ids.js';
import type { BackgroundSource } from '../../runtime/channel-module.js';
import type { ThreadStore } from '../../store/thread-store.js';
import type { Logger } from '../../support/logger.js';
import type { ThreadChanges } from './thread-changes.js';

export interface OtherWritersOptions {
  /** Default 2 s: how late another process's write may reach an open inspector page. */
  intervalMs?: number;
  /** How many of the newest threads each look reads (default 100): more changed in one interval go unannounced. */
  window?: number;
  logger: Pick<Logger, 'warn'>;
}

export function watchOtherWriters(store: Pick<ThreadStore, 'list'>, changes: ThreadChanges, options: OtherWritersOptions): BackgroundSource {
  const intervalMs = options.intervalMs ?? 2_000;
  const window = options.window ?? 100;
  let seen: Map<ThreadId, number> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let looking: Promise<void> = Promise.resolve();
  let running = false;

  async function look(): Promise<void> {
    const { threads } = await store.list({ limit: window });
    const now = new Map(threads.map((t) => [t.id, t.lastSeq]));
    // The first look only learns where things stand: what it finds was there before anyone could be watching.
    if (seen !== undefined && changes.listeners > 0) {
      for (const [id, lastSeq] of now) if (seen.get(id) !== lastSeq) changes.changed(id);
    }
    seen = now;
  }

  /** A look, then the next one `intervalMs` after it ended, until stopped. */
  function lookThenWait(): void {
    looking = look()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'reading what other processes wrote failed; trying again'))
      .finally(() => {
        if (running) timer = setTimeout(lookThenWait, intervalMs);
      });
  }

  return {
    start() {
      if (running) return;
      running = true;
      lookThenWait();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await looking;
    },
  };
}
