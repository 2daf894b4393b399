// Which threads changed in this process, learnt from the store's own writes and fanned out to the inspector's open
// event streams: no stream reads the database to find out.
import type { ThreadId } from '../../core/ids.js';
import type { ThreadStore } from '../../store/thread-store.js';

export type ChangeListener = (threadId: ThreadId) => void;

export interface ThreadChanges {
  changed(threadId: ThreadId): void;
  /** Returns the unsubscribe; `onClose` runs once when the process closes the hub, so streams end with it. */
  subscribe(listener: ChangeListener, onClose: () => void): () => void;
  readonly listeners: number;
  readonly closed: boolean;
  close(): void;
}

export function threadChanges(): ThreadChanges {
  const subscribers = new Map<ChangeListener, () => void>();
  let closed = false;
  return {
    changed(threadId) {
      // A listener only flags its stream; one that throws must not keep the store's writer from returning.
      for (const listener of subscribers.keys()) {
        try {
          listener(threadId);
        } catch {
          // Nothing to do: that stream's own loop notices its failure.
        }
      }
    },
    subscribe(listener, onClose) {
      if (closed) {
        onClose();
        return () => {};
      }
      subscribers.set(listener, onClose);
      return () => void subscribers.delete(listener);
    },
    get listeners() {
      return subscribers.size;
    },
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      const ends = [...subscribers.values()];
      subscribers.clear();
      for (const end of ends) end();
    },
  };
}

/**
 * The store, announcing each thread it wrote to or leased: appends and creates (every writer's, the intake's and the
 * worker's alike) and claims and releases, which turn a thread `running` and back.
 */
export function announcingStore(store: ThreadStore, changes: ThreadChanges): ThreadStore {
  return {
    kind: store.kind,
    create: async (input) => {
      const result = await store.create(input);
      if (result.created) changes.changed(result.thread.id);
      return result;
    },
    append: async (threadId, events, options) => {
      const result = await store.append(threadId, events, options);
      if (!result.duplicate) changes.changed(threadId);
      return result;
    },
    load: (threadId) => store.load(threadId),
    eventsAfter: (threadId, seq) => store.eventsAfter(threadId, seq),
    list: (options) => store.list(options),
    stepPrompt: (threadId, seq) => store.stepPrompt(threadId, seq),
    stepPrompts: (threadId) => store.stepPrompts(threadId),
    findDelivery: (delivery) => store.findDelivery(delivery),
    claim: async (options) => {
      const leases = await store.claim(options);
      for (const lease of leases) changes.changed(lease.threadId);
      return leases;
    },
    heartbeat: (lease, leaseMs) => store.heartbeat(lease, leaseMs),
    release: async (lease) => {
      await store.release(lease);
      changes.changed(lease.threadId);
    },
    rebuildStatusCache: () => store.rebuildStatusCache(),
    close: () => store.close(),
  };
}
