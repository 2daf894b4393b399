// The embedded ThreadStore: one SQLite file in WAL mode, every write in its own BEGIN IMMEDIATE transaction.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { ConcurrencyError, HardwayError } from '../core/errors.js';
import type { NewEvent, ThreadEvent } from '../core/events.js';
import type { ThreadId } from '../core/ids.js';
import type { DerivedStatus, Thread } from '../core/thread.js';
import { searchTerms } from '../core/search-terms.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import { deliveryKey, distinctDeliveries } from './deliveries.js';
import { assertClaimOptions, assertLeaseHeld, assertLeaseMs, expiryAfter } from './lease.js';
import { listQuery, listTerms, rarestTerm, termCountSql } from './list-query.js';
import { cachedStatus, int, optionalText, text, toEvent, toSummary, type Row } from './rows.js';
import { sqliteSchema } from './schema-sqlite.js';
import { LatestPrompts, lastPrompt, promptDelta, promptsBySeq, reconstruct, reconstructAll, toPromptRow, type PromptRow, type StoredPrompt } from './step-prompts.js';
import { resolveDeps, type ResolvedDeps, type StoreDeps } from './store-deps.js';
import type {
  AppendOptions,
  AppendResult,
  ClaimOptions,
  CreateThreadInput,
  CreateThreadResult,
  Delivery,
  Lease,
  ListOptions,
  ListResult,
  ThreadStore,
} from './thread-store.js';

export interface SqliteStoreOptions extends StoreDeps {
  /** A file path, or `:memory:`. */
  path: string;
  /** How long a writer waits for another process's transaction before failing (SQLITE_BUSY). */
  busyTimeoutMs?: number;
}

export function openSqliteStore(options: SqliteStoreOptions): ThreadStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  try {
    // busy_timeout first: switching to WAL itself needs the lock another opener may hold.
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
    db.exec('PRAGMA journal_mode = WAL');
    // FULL: a committed step survives power loss, not only a process crash.
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    // 64 MiB of page cache: the indexes a write touches stay in memory as the store grows to 100k threads.
    db.exec('PRAGMA cache_size = -65536');
    const deps = resolveDeps(options);
    db.exec('BEGIN IMMEDIATE');
    try {
      const indexed = db.prepare("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'thread_terms'").get() !== undefined;
      db.exec(sqliteSchema);
      if (!indexed) indexStoredThreads(db, deps);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    return new SqliteThreadStore(db, deps);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** When the search index is first created, the threads stored before it get their terms, once, with it. */
function indexStoredThreads(db: DatabaseSync, deps: ResolvedDeps): void {
  const insert = db.prepare('INSERT OR IGNORE INTO thread_terms (term, thread_id) VALUES (?, ?)');
  for (const row of db.prepare('SELECT thread_id, id, seq, type, at, data FROM events ORDER BY thread_id, seq').iterate()) {
    const event = toEvent(row, JSON.parse(text(row, 'data')), deps.upcasters);
    for (const term of searchTerms(event)) insert.run(term, text(row, 'thread_id'));
  }
}

const sqliteDialect = { param: (n: number) => `?${n}`, timestamp: (p: string) => p };

const RELEASE_SQL = 'UPDATE threads SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = ? AND lease_token = ?';

const notFound = (threadId: ThreadId): HardwayError => new HardwayError('thread_not_found', `no thread ${threadId}`);

class SqliteThreadStore implements ThreadStore {
  readonly kind = 'sqlite';
  private readonly statements = new Map<string, StatementSync>();
  private readonly latestPrompts = new LatestPrompts();
  /** Writes waiting for the next group commit. */
  private pending: Array<{ fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly db: DatabaseSync,
    private readonly deps: ResolvedDeps,
  ) {}

  async create(input: CreateThreadInput): Promise<CreateThreadResult> {
    return this.write(() => {
      const known = input.delivery ? this.deliveryThread(input.delivery) : undefined;
      if (known !== undefined) return { created: false, duplicateOf: known };
      if (this.get('SELECT 1 AS one FROM threads WHERE id = ?', input.id)) {
        throw new HardwayError('thread_exists', `thread ${input.id} already exists`);
      }
      const now = this.now();
      const lease = input.lease ? this.newLease(input.id, input.lease) : undefined;
      this.run(
        'INSERT INTO threads (id, agent, status, last_seq, created_at, updated_at, lease_owner, lease_token, lease_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        input.id, input.agent, this.deps.statusAfter(input.agent, 'ready', input.events), input.events.length, now, now,
        lease?.owner ?? null, lease?.token ?? null, lease?.expiresAt ?? null,
      );
      const events = this.insertEvents(input.id, 0, input.events);
      if (input.delivery) this.insertDeliveries(input.id, [input.delivery], now);
      return { created: true, thread: { id: input.id, agent: input.agent, events }, ...(lease ? { lease } : {}) };
    });
  }

  async append(threadId: ThreadId, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.write(() => {
      // The one read an append makes: the thread row carries the lease, the last seq and the status to fold from.
      const row = this.get('SELECT agent, status, last_seq, lease_token FROM threads WHERE id = ?', threadId);
      if (row === undefined) throw notFound(threadId);
      if (options.lease) assertLeaseHeld(options.lease, threadId, optionalText(row, 'lease_token'));
      const deliveries = distinctDeliveries(options.deliveries);
      for (const delivery of deliveries) {
        const known = this.deliveryThread(delivery);
        if (known !== undefined) return { duplicate: true, threadId: known };
      }
      const last = int(row, 'last_seq');
      if (options.expectedSeq !== 'any' && options.expectedSeq !== last) {
        throw new ConcurrencyError(threadId, options.expectedSeq, last);
      }
      const now = this.now();
      const stored = this.insertEvents(threadId, last, events);
      this.insertPrompts(threadId, promptsBySeq(options.prompts, stored));
      this.insertDeliveries(threadId, deliveries, now);
      const agent = text(row, 'agent');
      const cached = cachedStatus(row);
      let status: DerivedStatus;
      if (cached === undefined) status = this.refresh(threadId, agent, now);
      else {
        status = this.deps.statusAfter(agent, cached, stored);
        this.run('UPDATE threads SET status = ?, last_seq = ?, updated_at = ? WHERE id = ?', status, last + stored.length, now, threadId);
      }
      if (options.lease && options.releaseIfPaused && status !== 'ready') {
        this.run(RELEASE_SQL, threadId, options.lease.token);
        return { duplicate: false, events: stored, released: true };
      }
      return { duplicate: false, events: stored };
    });
  }

  async load(threadId: ThreadId): Promise<Thread | undefined> {
    const row = this.get('SELECT agent FROM threads WHERE id = ?', threadId);
    if (row === undefined) return undefined;
    return { id: threadId, agent: text(row, 'agent'), events: this.events(threadId) };
  }

  async eventsAfter(threadId: ThreadId, seq: number): Promise<ThreadEvent[] | undefined> {
    if (this.get('SELECT 1 AS one FROM threads WHERE id = ?', threadId) === undefined) return undefined;
    return this.events(threadId, seq);
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    const limit = pageLimit(options.limit);
    const terms = listTerms(options.terms ?? []);
    const countSql = termCountSql(sqliteDialect);
    const driveBy = await rarestTerm(terms, async (term) => int(this.get(countSql, term) ?? { n: 0 }, 'n'));
    const { sql, params } = listQuery(
      {
        ...(options.id !== undefined ? { id: options.id } : {}),
        ...(options.status ? { status: options.status } : {}),
        ...(options.agent !== undefined ? { agent: options.agent } : {}),
        ...(terms.length > 0 ? { terms } : {}),
        ...(driveBy !== undefined ? { driveBy } : {}),
        ...(options.cursor !== undefined ? { after: decodeCursor(options.cursor) } : {}),
        limit: limit + 1,
        now: this.now(),
      },
      sqliteDialect,
    );
    const threads = this.all(sql, ...params).map(toSummary);
    const last = threads.length > limit ? threads[limit - 1] : undefined;
    return {
      threads: threads.slice(0, limit),
      ...(last ? { nextCursor: encodeCursor({ updatedAt: last.updatedAt, id: last.id }) } : {}),
    };
  }

  async findDelivery(delivery: Delivery): Promise<ThreadId | undefined> {
    return this.deliveryThread(delivery);
  }

  async stepPrompts(threadId: ThreadId): Promise<StoredPrompt[]> {
    return reconstructAll(this.promptRows(threadId, Number.MAX_SAFE_INTEGER));
  }

  async stepPrompt(threadId: ThreadId, seq: number): Promise<StoredPrompt | undefined> {
    return reconstruct(this.promptRows(threadId, seq), seq);
  }

  private newLease(threadId: ThreadId, options: { owner: string; leaseMs: number }): Lease {
    assertLeaseMs(options.leaseMs);
    return { threadId, token: this.deps.ids.claimToken(), owner: options.owner, expiresAt: expiryAfter(this.deps.clock, options.leaseMs) };
  }

  async claim(options: ClaimOptions): Promise<Lease[]> {
    assertClaimOptions(options);
    if (options.limit === 0) return [];
    return this.write(() => {
      const now = this.now();
      const expiresAt = expiryAfter(this.deps.clock, options.leaseMs);
      const rows = this.all(
        `SELECT id FROM threads WHERE status = 'ready' AND (lease_token IS NULL OR lease_expires_at <= ?)
         ORDER BY updated_at, id LIMIT ?`,
        now, options.limit,
      );
      return rows.map((row) => {
        const lease: Lease = {
          threadId: text(row, 'id') as ThreadId,
          token: this.deps.ids.claimToken(),
          owner: options.owner,
          expiresAt,
        };
        this.run(
          'UPDATE threads SET lease_owner = ?, lease_token = ?, lease_expires_at = ? WHERE id = ?',
          lease.owner, lease.token, lease.expiresAt, lease.threadId,
        );
        return lease;
      });
    });
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    assertLeaseMs(leaseMs);
    const expiresAt = expiryAfter(this.deps.clock, leaseMs);
    const changed = await this.write(() =>
      this.run('UPDATE threads SET lease_expires_at = ? WHERE id = ? AND lease_token = ?', expiresAt, lease.threadId, lease.token),
    );
    return changed > 0 ? { ...lease, expiresAt } : undefined;
  }

  async release(lease: Lease): Promise<void> {
    await this.write(() => this.run(RELEASE_SQL, lease.threadId, lease.token));
  }

  async rebuildStatusCache(): Promise<void> {
    for (const row of this.all('SELECT id FROM threads')) {
      const id = text(row, 'id') as ThreadId;
      await this.write(() => {
        const thread = this.get('SELECT agent, updated_at FROM threads WHERE id = ?', id);
        if (thread) this.refresh(id, text(thread, 'agent'), text(thread, 'updated_at'));
      });
    }
  }

  async close(): Promise<void> {
    // Writes already issued are committed, not dropped with the connection.
    if (this.db.isOpen) this.flush();
    if (this.db.isOpen) this.db.close();
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /**
   * Group commit: the writes issued while the event loop is busy (say, 100 threads appending at once) share one
   * transaction, so one fsync, each inside its own savepoint so that one that throws is rolled back alone. Each
   * caller's promise settles only after the COMMIT, so a resolved write is as durable as before. Synchronous from
   * BEGIN to COMMIT: nothing else in this process interleaves; other processes wait.
   */
  private write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const op of batch) {
        this.db.exec('SAVEPOINT batched');
        const outcome = this.attempt(op.fn);
        this.db.exec(outcome.ok ? 'RELEASE batched' : 'ROLLBACK TO batched; RELEASE batched');
        outcomes.push(outcome);
      }
      // When every write was rolled back the commit changes nothing and costs no fsync.
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      for (const op of batch) op.reject(error);
      return;
    }
    batch.forEach((op, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) op.resolve(outcome.value);
      else op.reject(outcome?.error);
    });
  }

  private attempt(fn: () => unknown): { ok: true; value: unknown } | { ok: false; error: unknown } {
    try {
      return { ok: true, value: fn() };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** Returns the events as `load` will give them back, so a caller can keep them instead of reloading. */
  private insertEvents(threadId: ThreadId, after: number, events: readonly NewEvent[]): ThreadEvent[] {
    this.insertTerms(threadId, events);
    return events.map((event, i) => {
      const seq = after + 1 + i;
      const data = JSON.stringify(event.data);
      try {
        this.run('INSERT INTO events (thread_id, seq, id, type, at, data) VALUES (?, ?, ?, ?, ?, ?)', threadId, seq, event.id, event.type, event.at, data);
      } catch (error) {
        throw uniqueViolation(error, event, () => new ConcurrencyError(threadId, after, this.maxSeq(threadId)));
      }
      return toEvent({ id: event.id, seq, type: event.type, at: event.at }, JSON.parse(data));
    });
  }

  private insertTerms(threadId: ThreadId, events: readonly NewEvent[]): void {
    const terms = [...new Set(events.flatMap(searchTerms))];
    if (terms.length > 0) this.run('INSERT OR IGNORE INTO thread_terms (term, thread_id) SELECT value, ? FROM json_each(?)', threadId, JSON.stringify(terms));
  }

  private insertPrompts(threadId: ThreadId, prompts: ReadonlyArray<{ seq: number; body: string; sha256: string }>): void {
    if (prompts.length === 0) return;
    const row = this.get('SELECT seq, sha256 FROM step_prompts WHERE thread_id = ? ORDER BY seq DESC LIMIT 1', threadId);
    const newest = row ? { seq: int(row, 'seq'), sha256: text(row, 'sha256') } : undefined;
    let previous = this.latestPrompts.body(threadId, newest) ?? lastPrompt(this.promptRows(threadId, Number.MAX_SAFE_INTEGER));
    for (const { seq, body, sha256: hash } of prompts) {
      const delta = promptDelta(previous, body);
      this.run('INSERT INTO step_prompts (thread_id, seq, prefix_length, tail, sha256) VALUES (?, ?, ?, ?, ?)', threadId, seq, delta.prefixLength, delta.tail, hash);
      this.latestPrompts.remember(threadId, seq, hash, body);
      previous = body;
    }
  }

  private promptRows(threadId: ThreadId, uptoSeq: number): PromptRow[] {
    return this.all('SELECT seq, prefix_length, tail, sha256 FROM step_prompts WHERE thread_id = ? AND seq <= ? ORDER BY seq', threadId, uptoSeq).map(toPromptRow);
  }

  private insertDeliveries(threadId: ThreadId, deliveries: readonly Delivery[], now: string): void {
    for (const d of deliveries) {
      this.run('INSERT INTO deliveries (source, delivery_id, thread_id, created_at) VALUES (?, ?, ?, ?)', d.source, deliveryKey(d.id), threadId, now);
    }
  }

  /** Rewrites the status cache and last seq from all the events: the repair, never the append path. */
  private refresh(threadId: ThreadId, agent: string, updatedAt: string): DerivedStatus {
    const events = this.events(threadId);
    const status = this.deps.statusAfter(agent, 'ready', events);
    const last = events.at(-1)?.seq ?? 0;
    this.run('UPDATE threads SET status = ?, last_seq = ?, updated_at = ? WHERE id = ?', status, last, updatedAt, threadId);
    // Threads stored before the search index existed become findable here too.
    this.insertTerms(threadId, events);
    return status;
  }

  private events(threadId: ThreadId, afterSeq = 0): ThreadEvent[] {
    return this.all('SELECT id, seq, type, at, data FROM events WHERE thread_id = ? AND seq > ? ORDER BY seq', threadId, afterSeq).map(
      (row) => toEvent(row, JSON.parse(text(row, 'data')), this.deps.upcasters),
    );
  }

  private maxSeq(threadId: ThreadId): number {
    const row = this.get('SELECT coalesce(max(seq), 0) AS seq FROM events WHERE thread_id = ?', threadId);
    return row ? int(row, 'seq') : 0;
  }

  private deliveryThread(delivery: Delivery): ThreadId | undefined {
    const row = this.get('SELECT thread_id FROM deliveries WHERE source = ? AND delivery_id = ?', delivery.source, deliveryKey(delivery.id));
    return row ? (text(row, 'thread_id') as ThreadId) : undefined;
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.statement(sql).get(...params);
  }

  private all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.statement(sql).all(...params);
  }

  private run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.statement(sql).run(...params).changes);
  }
}

/**
 * The (thread_id, seq) key is the last line of defence if the last_seq cache ever disagrees with the events: a
 * writer that collides there lost the race like any other. A reused event id is the caller's bug.
 */
function uniqueViolation(error: unknown, event: NewEvent, conflict: () => ConcurrencyError): unknown {
  const message = error instanceof Error ? error.message : '';
  if (message.includes('events.thread_id, events.seq')) return conflict();
  if (message.includes('events.id')) {
    return new HardwayError('invalid_input', `event ${event.id} is already recorded`, false, { cause: error });
  }
  return error;
}
