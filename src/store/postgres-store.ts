// The shared ThreadStore on PostgreSQL: row locks serialize writers to a thread, SKIP LOCKED spreads claims.
import { DatabaseError, Pool, type PoolClient } from 'pg';
import { ConcurrencyError, HardwayError } from '../core/errors.js';
import type { NewEvent, ThreadEvent } from '../core/events.js';
import type { ThreadId } from '../core/ids.js';
import type { DerivedStatus, Thread } from '../core/thread.js';
import { searchTerms } from '../core/search-terms.js';
import type { Upcasters } from '../core/upcast.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import { deliveryKey, distinctDeliveries } from './deliveries.js';
import { assertClaimOptions, assertLeaseHeld, assertLeaseMs, expiryAfter } from './lease.js';
import { listQuery, listTerms, rarestTerm, termCountSql } from './list-query.js';
import { cachedStatus, int, optionalText, text, timestamp, toEvent, toSummary, type Row } from './rows.js';
import { postgresSchema } from './schema-postgres.js';
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

export interface PostgresStoreOptions extends StoreDeps {
  connectionString: string;
  /** Connections in this process's pool. */
  poolSize?: number;
}

/** Any fixed number: every process creating the schema takes the same lock. */
const schemaLock = 0x4861_7264;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<ThreadStore> {
  const pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
  const deps = resolveDeps(options);
  // An idle connection the server dropped: the pool discards it and the next query connects again; without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  try {
    // CREATE TABLE IF NOT EXISTS is not safe against itself: two processes starting together can both try.
    await transaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [schemaLock]);
      const [found] = await rows(client, "SELECT to_regclass('thread_terms') IS NOT NULL AS indexed");
      await client.query(postgresSchema);
      if (found?.['indexed'] !== true) await indexStoredThreads(client, deps);
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresThreadStore(pool, deps);
}

/** When the search index is first created, the threads stored before it get their terms, once, with it. */
async function indexStoredThreads(c: PoolClient, deps: ResolvedDeps): Promise<void> {
  for (const row of await rows(c, 'SELECT id FROM threads ORDER BY id')) {
    const threadId = text(row, 'id') as ThreadId;
    await insertTerms(c, threadId, (await threadEvents(c, threadId, 0, deps.upcasters))?.events ?? []);
  }
}

async function transaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Another transaction recorded one of our deliveries first: roll back and answer with its thread. */
class DeliveryRace extends Error {
  constructor(readonly threadId: ThreadId) {
    super('delivery recorded concurrently');
  }
}

const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  error instanceof DatabaseError && error.code === '23505' && error.constraint === constraint;

const postgresDialect = { param: (n: number) => `$${n}`, timestamp: (p: string) => `${p}::timestamptz` };

const RELEASE_SQL = 'UPDATE threads SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_token = $2';

const notFound = (threadId: ThreadId): HardwayError => new HardwayError('thread_not_found', `no thread ${threadId}`);

async function rows(client: Pool | PoolClient, sql: string, params: unknown[] = []): Promise<Row[]> {
  const result = await client.query(sql, params);
  return result.rows;
}

class PostgresThreadStore implements ThreadStore {
  readonly kind = 'postgres';
  private closed = false;
  private readonly latestPrompts = new LatestPrompts();

  constructor(
    private readonly pool: Pool,
    private readonly deps: ResolvedDeps,
  ) {}

  async create(input: CreateThreadInput): Promise<CreateThreadResult> {
    try {
      return await transaction(this.pool, async (c): Promise<CreateThreadResult> => {
        const known = input.delivery ? await deliveryThread(c, input.delivery) : undefined;
        if (known !== undefined) return { created: false, duplicateOf: known };
        const now = this.now();
        const lease = input.lease ? this.newLease(input.id, input.lease) : undefined;
        const inserted = await c.query(
          `INSERT INTO threads (id, agent, status, last_seq, created_at, updated_at, lease_owner, lease_token, lease_expires_at)
           VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)
           ON CONFLICT (id) DO NOTHING`,
          [input.id, input.agent, this.deps.statusAfter(input.agent, 'ready', input.events), input.events.length, now, lease?.owner ?? null, lease?.token ?? null, lease?.expiresAt ?? null],
        );
        if (inserted.rowCount === 0) throw new HardwayError('thread_exists', `thread ${input.id} already exists`);
        const events = await insertEvents(c, input.id, 0, input.events);
        if (input.delivery) await insertDeliveries(c, input.id, [input.delivery], now);
        return { created: true, thread: { id: input.id, agent: input.agent, events }, ...(lease ? { lease } : {}) };
      });
    } catch (error) {
      if (error instanceof DeliveryRace) return { created: false, duplicateOf: error.threadId };
      throw await this.eventConflict(error, input.id, 0);
    }
  }

  private newLease(threadId: ThreadId, options: { owner: string; leaseMs: number }): Lease {
    assertLeaseMs(options.leaseMs);
    return { threadId, token: this.deps.ids.claimToken(), owner: options.owner, expiresAt: expiryAfter(this.deps.clock, options.leaseMs) };
  }

  async append(threadId: ThreadId, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    let seen = 0;
    try {
      return await transaction(this.pool, async (c): Promise<AppendResult> => {
        // The row lock makes concurrent appends to one thread take turns; the unique key backs it up. The locked
        // row is all an append reads: the lease, the last seq and the status its events fold from.
        const [row] = await rows(c, 'SELECT agent, status, last_seq, lease_token FROM threads WHERE id = $1 FOR UPDATE', [threadId]);
        if (row === undefined) throw notFound(threadId);
        if (options.lease) assertLeaseHeld(options.lease, threadId, optionalText(row, 'lease_token'));
        const deliveries = distinctDeliveries(options.deliveries);
        for (const delivery of deliveries) {
          const known = await deliveryThread(c, delivery);
          if (known !== undefined) return { duplicate: true, threadId: known };
        }
        seen = int(row, 'last_seq');
        if (options.expectedSeq !== 'any' && options.expectedSeq !== seen) {
          throw new ConcurrencyError(threadId, options.expectedSeq, seen);
        }
        const now = this.now();
        const agent = text(row, 'agent');
        const cached = cachedStatus(row);
        let stored: ThreadEvent[];
        let status: DerivedStatus;
        if (cached === undefined) {
          stored = await insertEvents(c, threadId, seen, events);
          status = await this.refresh(c, threadId, agent, now);
        } else {
          status = this.deps.statusAfter(agent, cached, events);
          stored = await insertEvents(c, threadId, seen, events, { status, updatedAt: now });
        }
        await insertPrompts(c, this.latestPrompts, threadId, promptsBySeq(options.prompts, stored));
        await insertDeliveries(c, threadId, deliveries, now);
        if (options.lease && options.releaseIfPaused && status !== 'ready') {
          await c.query(RELEASE_SQL, [threadId, options.lease.token]);
          return { duplicate: false, events: stored, released: true };
        }
        return { duplicate: false, events: stored };
      });
    } catch (error) {
      if (error instanceof DeliveryRace) return { duplicate: true, threadId: error.threadId };
      throw await this.eventConflict(error, threadId, seen);
    }
  }

  async load(threadId: ThreadId): Promise<Thread | undefined> {
    const found = await threadEvents(this.pool, threadId, 0, this.deps.upcasters);
    return found && { id: threadId, agent: found.agent, events: found.events };
  }

  async eventsAfter(threadId: ThreadId, seq: number): Promise<ThreadEvent[] | undefined> {
    return (await threadEvents(this.pool, threadId, seq, this.deps.upcasters))?.events;
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    const limit = pageLimit(options.limit);
    const terms = listTerms(options.terms ?? []);
    const countSql = termCountSql(postgresDialect);
    const driveBy = await rarestTerm(terms, async (term) => int((await rows(this.pool, countSql, [term]))[0] ?? { n: 0 }, 'n'));
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
      postgresDialect,
    );
    const threads = (await rows(this.pool, sql, params)).map(toSummary);
    const last = threads.length > limit ? threads[limit - 1] : undefined;
    return {
      threads: threads.slice(0, limit),
      ...(last ? { nextCursor: encodeCursor({ updatedAt: last.updatedAt, id: last.id }) } : {}),
    };
  }

  async findDelivery(delivery: Delivery): Promise<ThreadId | undefined> {
    return deliveryThread(this.pool, delivery);
  }

  async stepPrompts(threadId: ThreadId): Promise<StoredPrompt[]> {
    return reconstructAll(await promptRows(this.pool, threadId, 2 ** 31 - 1));
  }

  async stepPrompt(threadId: ThreadId, seq: number): Promise<StoredPrompt | undefined> {
    return reconstruct(await promptRows(this.pool, threadId, seq), seq);
  }

  async claim(options: ClaimOptions): Promise<Lease[]> {
    assertClaimOptions(options);
    if (options.limit === 0) return [];
    return transaction(this.pool, async (c) => {
      // SKIP LOCKED: a thread another claimer (or an append) holds is passed over, never waited for or shared.
      const picked = await rows(
        c,
        `SELECT id FROM threads WHERE status = 'ready' AND (lease_token IS NULL OR lease_expires_at <= $1)
         ORDER BY updated_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.now(), options.limit],
      );
      const expiresAt = expiryAfter(this.deps.clock, options.leaseMs);
      const leases = picked.map(
        (row): Lease => ({ threadId: text(row, 'id') as ThreadId, token: this.deps.ids.claimToken(), owner: options.owner, expiresAt }),
      );
      if (leases.length > 0) {
        await c.query(
          `UPDATE threads SET lease_owner = $1, lease_token = l.token, lease_expires_at = $2
           FROM unnest($3::text[], $4::text[]) AS l (id, token) WHERE threads.id = l.id`,
          [options.owner, expiresAt, leases.map((l) => l.threadId), leases.map((l) => l.token)],
        );
      }
      return leases;
    });
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    assertLeaseMs(leaseMs);
    const expiresAt = expiryAfter(this.deps.clock, leaseMs);
    const result = await this.pool.query('UPDATE threads SET lease_expires_at = $1 WHERE id = $2 AND lease_token = $3', [
      expiresAt,
      lease.threadId,
      lease.token,
    ]);
    return result.rowCount === 1 ? { ...lease, expiresAt } : undefined;
  }

  async release(lease: Lease): Promise<void> {
    await this.pool.query(RELEASE_SQL, [lease.threadId, lease.token]);
  }

  async rebuildStatusCache(): Promise<void> {
    for (const row of await rows(this.pool, 'SELECT id FROM threads ORDER BY id')) {
      const id = text(row, 'id') as ThreadId;
      await transaction(this.pool, async (c) => {
        const [thread] = await rows(c, 'SELECT agent, updated_at FROM threads WHERE id = $1 FOR UPDATE', [id]);
        if (thread) await this.refresh(c, id, text(thread, 'agent'), timestamp(thread, 'updated_at'));
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** Rewrites the status cache and last seq from all the events: the repair, never the append path. */
  private async refresh(c: PoolClient, threadId: ThreadId, agent: string, updatedAt: string): Promise<DerivedStatus> {
    const events = (await threadEvents(c, threadId, 0, this.deps.upcasters))?.events ?? [];
    const status = this.deps.statusAfter(agent, 'ready', events);
    await c.query('UPDATE threads SET status = $1, last_seq = $2, updated_at = $3 WHERE id = $4', [
      status,
      events.at(-1)?.seq ?? 0,
      updatedAt,
      threadId,
    ]);
    // Threads stored before the search index existed become findable here too.
    await insertTerms(c, threadId, events);
    return status;
  }

  /**
   * The (thread_id, seq) key is the last line of defence if the last_seq cache ever disagrees with the events: a
   * writer that collides there lost the race like any other. A reused event id is the caller's bug.
   */
  private async eventConflict(error: unknown, threadId: ThreadId, seen: number): Promise<unknown> {
    if (isUniqueViolation(error, 'events_pkey')) {
      const [row] = await rows(this.pool, 'SELECT coalesce(max(seq), 0) AS seq FROM events WHERE thread_id = $1', [threadId]);
      return new ConcurrencyError(threadId, seen, row ? int(row, 'seq') : 0);
    }
    if (isUniqueViolation(error, 'events_id_key')) {
      return new HardwayError('invalid_input', 'an event id is already recorded', false, { cause: error });
    }
    return error;
  }
}

/**
 * A thread's agent and its events after `afterSeq`, in one statement (one round trip, one snapshot); undefined for
 * an unknown thread. With no such events the outer join still yields the thread's row, its event columns null.
 */
async function threadEvents(
  client: Pool | PoolClient,
  threadId: ThreadId,
  afterSeq: number,
  upcasters: Upcasters,
): Promise<{ agent: string; events: ThreadEvent[] } | undefined> {
  const found = await rows(
    client,
    `SELECT t.agent, e.id, e.seq, e.type, e.at, e.data FROM threads t
     LEFT JOIN events e ON e.thread_id = t.id AND e.seq > $2 WHERE t.id = $1 ORDER BY e.seq`,
    [threadId, afterSeq],
  );
  const [first] = found;
  if (first === undefined) return undefined;
  return { agent: text(first, 'agent'), events: first.id === null ? [] : found.map((row) => toEvent(row, row.data, upcasters)) };
}

/**
 * Inserts events after seq `after` and returns them as `load` will give them back. With `advance`, the same
 * statement moves the thread row on (status, last seq, updated_at): one round trip for the whole append.
 */
async function insertEvents(
  c: PoolClient,
  threadId: ThreadId,
  after: number,
  events: readonly NewEvent[],
  advance?: { status: DerivedStatus; updatedAt: string },
): Promise<ThreadEvent[]> {
  const params: unknown[] = [threadId];
  const written = events.map((event, i) => ({ event, seq: after + 1 + i, data: JSON.stringify(event.data) }));
  const values = written.map(({ event, seq, data }) => {
    params.push(seq, event.id, event.type, event.at, data);
    const n = params.length;
    return `($1, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}::json)`;
  });
  const insert = `INSERT INTO events (thread_id, seq, id, type, at, data) VALUES ${values.join(', ')}`;
  if (advance === undefined) {
    if (written.length > 0) await c.query(insert, params);
  } else {
    params.push(advance.status, after + events.length, advance.updatedAt);
    const n = params.length;
    const update = `UPDATE threads SET status = $${n - 2}, last_seq = $${n - 1}, updated_at = $${n} WHERE id = $1`;
    await c.query(written.length > 0 ? `WITH inserted AS (${insert}) ${update}` : update, params);
  }
  await insertTerms(c, threadId, events);
  return written.map(({ event, seq, data }) => toEvent({ id: event.id, seq, type: event.type, at: event.at }, JSON.parse(data)));
}

async function insertTerms(c: PoolClient, threadId: ThreadId, events: readonly NewEvent[]): Promise<void> {
  const terms = [...new Set(events.flatMap(searchTerms))];
  if (terms.length > 0) {
    await c.query('INSERT INTO thread_terms (term, thread_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [terms, threadId]);
  }
}

async function promptRows(c: Pool | PoolClient, threadId: ThreadId, uptoSeq: number): Promise<PromptRow[]> {
  const found = await rows(c, 'SELECT seq, prefix_length, tail, sha256 FROM step_prompts WHERE thread_id = $1 AND seq <= $2 ORDER BY seq', [threadId, uptoSeq]);
  return found.map(toPromptRow);
}

/** Each as a delta against the one before it; the thread row lock keeps two appends from deltaing against one. */
async function insertPrompts(c: PoolClient, latest: LatestPrompts, threadId: ThreadId, prompts: ReadonlyArray<{ seq: number; body: string; sha256: string }>): Promise<void> {
  if (prompts.length === 0) return;
  const [row] = await rows(c, 'SELECT seq, sha256 FROM step_prompts WHERE thread_id = $1 ORDER BY seq DESC LIMIT 1', [threadId]);
  const newest = row ? { seq: int(row, 'seq'), sha256: text(row, 'sha256') } : undefined;
  let previous = latest.body(threadId, newest) ?? lastPrompt(await promptRows(c, threadId, 2 ** 31 - 1));
  for (const { seq, body, sha256: hash } of prompts) {
    const delta = promptDelta(previous, body);
    await c.query('INSERT INTO step_prompts (thread_id, seq, prefix_length, tail, sha256) VALUES ($1, $2, $3, $4, $5)', [
      threadId, seq, delta.prefixLength, delta.tail, hash,
    ]);
    latest.remember(threadId, seq, hash, body);
    previous = body;
  }
}

/** ON CONFLICT DO NOTHING waits for a concurrent insert of the same delivery and then skips it. */
async function insertDeliveries(c: PoolClient, threadId: ThreadId, deliveries: readonly Delivery[], now: string): Promise<void> {
  for (const d of deliveries) {
    const result = await c.query(
      `INSERT INTO deliveries (source, delivery_id, thread_id, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, delivery_id) DO NOTHING`,
      [d.source, deliveryKey(d.id), threadId, now],
    );
    if (result.rowCount !== 0) continue;
    const winner = await deliveryThread(c, d);
    if (winner === undefined) throw new HardwayError('invalid_state', `delivery ${d.source}/${d.id} conflicted but is not recorded`);
    throw new DeliveryRace(winner);
  }
}

async function deliveryThread(client: Pool | PoolClient, delivery: Delivery): Promise<ThreadId | undefined> {
  const [row] = await rows(client, 'SELECT thread_id FROM deliveries WHERE source = $1 AND delivery_id = $2', [
    delivery.source,
    deliveryKey(delivery.id),
  ]);
  return row ? (text(row, 'thread_id') as ThreadId) : undefined;
}
