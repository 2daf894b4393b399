// The ThreadStore port: the one place threads are persisted, and the commit point of every step.
import type { NewEvent, ThreadEvent } from '../core/events.js';
import type { ClaimToken, ThreadId } from '../core/ids.js';
import type { Thread, ThreadStatus } from '../core/thread.js';
import type { SentPrompt, StoredPrompt } from './step-prompts.js';

export type { SentPrompt, StoredPrompt } from './step-prompts.js';

/** An inbound delivery (email Message-ID, Slack event_id, webhook id …): recorded once per (source, id). */
export interface Delivery {
  source: string;
  id: string;
}

export interface ThreadSummary {
  id: ThreadId;
  agent: string;
  status: ThreadStatus;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateThreadInput {
  id: ThreadId;
  agent: string;
  events: NewEvent[];
  /** Recorded in the same transaction; if already known, nothing is written. */
  delivery?: Delivery;
  /**
   * Creates the thread already leased to this owner, so no worker claims it first: how a replay runs its fork
   * itself (with its own tools) even while `serve` polls the same store.
   */
  lease?: { owner: string; leaseMs: number };
}

export type CreateThreadResult =
  | { created: true; thread: Thread; lease?: Lease }
  | { created: false; duplicateOf: ThreadId };

export interface AppendOptions {
  /** The seq of the last event the writer saw; `'any'` appends at the end whatever it is (channel intake). */
  expectedSeq: number | 'any';
  /** Recorded in the same transaction; if already known, nothing is written and `duplicate` is returned. */
  deliveries?: Delivery[];
  /** A worker's lease: the append fails with LeaseLostError if the lease is no longer this one. */
  lease?: Lease;
  /**
   * With `lease`: when these events leave the thread not ready (it pauses for a human, is done, failed), the lease is
   * released in the same commit, so a run that pauses costs one commit fewer. `released` says whether it was.
   */
  releaseIfPaused?: boolean;
  /**
   * The exact prompts the model steps among `events` sent, stored in the same commit as a delta against the thread's
   * previous prompt. Kept apart from the events: loading a thread never reads them.
   */
  prompts?: SentPrompt[];
}

/**
 * `events` are the appended events with their seqs, equal to what `load` returns for them afterwards (data as
 * stored: what JSON drops is dropped), so a caller that holds the thread can apply them instead of reloading.
 */
export type AppendResult = { duplicate: false; events: ThreadEvent[]; released?: boolean } | { duplicate: true; threadId: ThreadId };

export interface ListOptions {
  /** Just this thread: how to read one thread's status including `running`. */
  id?: ThreadId;
  status?: ThreadStatus;
  agent?: string;
  /** Threads that hold every one of these index terms (`searchTerms` in core/search-terms.ts). At most 10. */
  terms?: string[];
  /** At most 200. */
  limit?: number;
  cursor?: string;
}

export interface ListResult {
  threads: ThreadSummary[];
  nextCursor?: string;
}

export interface Lease {
  threadId: ThreadId;
  token: ClaimToken;
  owner: string;
  expiresAt: string;
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
}

export interface ThreadStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates a thread with its first events (and delivery) atomically. */
  create(input: CreateThreadInput): Promise<CreateThreadResult>;
  /**
   * Appends events with the next sequence numbers. Throws ConcurrencyError when `expectedSeq` is not the last
   * seq, LeaseLostError when `lease` is stale, HardwayError('thread_not_found') for an unknown thread.
   */
  append(threadId: ThreadId, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  load(threadId: ThreadId): Promise<Thread | undefined>;
  /**
   * The events after `seq`, in order, exactly as `load` would give them: how a holder of the thread catches up
   * after a conflict without re-reading what it has. Undefined for an unknown thread.
   */
  eventsAfter(threadId: ThreadId, seq: number): Promise<ThreadEvent[] | undefined>;
  list(options?: ListOptions): Promise<ListResult>;
  /** The exact prompt the model step at `seq` sent, rebuilt from its delta and checked against its hash. */
  stepPrompt(threadId: ThreadId, seq: number): Promise<StoredPrompt | undefined>;
  /** Every stored prompt of the thread in seq order, rebuilt in one pass and each checked against its hash. */
  stepPrompts(threadId: ThreadId): Promise<StoredPrompt[]>;
  /** The thread a delivery was recorded for, if any. */
  findDelivery(delivery: Delivery): Promise<ThreadId | undefined>;
  /** Leases up to `limit` ready threads not leased by anyone else (or whose lease expired), oldest first. */
  claim(options: ClaimOptions): Promise<Lease[]>;
  /** Extends a lease; returns undefined when it was lost. */
  heartbeat(lease: Lease, leaseMs: number): Promise<Lease | undefined>;
  /** Gives the thread back; a no-op when the lease was already lost. */
  release(lease: Lease): Promise<void>;
  /**
   * Recomputes every cached status and last seq from all the events. Appends fold only their new events into the
   * cache, so this is what repairs a cache that was tampered with or derived under rules that have since changed.
   */
  rebuildStatusCache(): Promise<void>;
  close(): Promise<void>;
}
