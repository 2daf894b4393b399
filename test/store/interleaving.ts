// A real store whose reads let other writers in, as separate processes would; for concurrency tests on SQLite.
import type { ThreadStore } from '../../src/store/thread-store.js';

/**
 * node:sqlite answers synchronously, so within one test process nothing else would run between a reader's load and
 * its append; separate processes do interleave there. Yielding after each load lets the other writers in, as they
 * would be.
 */
export function interleaving(store: ThreadStore): ThreadStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'load') {
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<ThreadStore['load']>) => {
        const thread = await target.load(...args);
        await new Promise((resolve) => setImmediate(resolve));
        return thread;
      };
    },
  });
}
