// The PostgreSQL store: the shared contract on a throwaway cluster (a fresh database per test), plus schema races.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/core/events.js';
import type { EventId, ThreadId } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { describeStoreContract } from './contract.js';
import { tracePostgres } from './statement-trace.js';
import { postgresSchemaV1 } from './legacy-schema-postgres.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

const available = postgresAvailable();

describe.skipIf(!available)('PostgreSQL store', () => {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const freshDatabase = async (): Promise<string> => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    return server.createDatabase();
  };

  describeStoreContract('postgres', async (deps) => {
    const url = await freshDatabase();
    const stores: ThreadStore[] = [];
    const openOne = async (): Promise<ThreadStore> => {
      const store = await openStore({ databaseUrl: url, ...deps });
      stores.push(store);
      return store;
    };
    return {
      store: await openOne(),
      openSibling: openOne,
      exec: async (sql) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      },
      query: async (sql) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query<Record<string, unknown>>(sql)).rows;
        } finally {
          await client.end();
        }
      },
      trace: tracePostgres,
      cleanup: async () => {
        await Promise.all(stores.map((store) => store.close()));
      },
    };
  });

  it('eight processes opening an empty database at once all get the schema (advisory lock)', async () => {
    const url = (await freshDatabase()).replace(/^postgres:/, 'postgresql:');
    const stores = await Promise.all(Array.from({ length: 8 }, () => openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent })));
    try {
      expect(stores.every((s) => s.kind === 'postgres')).toBe(true);
      const [first, second] = stores;
      await first?.create({ id: 'thr_1' as ThreadId, agent: 'a', events: [] });
      expect((await second?.list())?.threads.map((t) => t.id)).toEqual(['thr_1']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
  it('#9.4a: a database created with the jsonb schema keeps its events, then accepts NUL and lone surrogates', async () => {
    const url = await freshDatabase();
    const sql = async (text: string, params: unknown[] = []): Promise<pg.QueryResult> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await client.query(text, params);
      } finally {
        await client.end();
      }
    };
    // What the first release wrote: its schema, and a thread with events whose text needs escaping.
    await sql(postgresSchemaV1);
    const id = 'thr_old' as ThreadId;
    const old: NewEvent[] = [
      { id: 'evt_1' as EventId, type: 'message_received', at: '2025-03-01T09:00:00.000Z', data: { channel: 'http', text: 'Prüfung ✅ "quotes" \\ \n\t 😀' } },
      { id: 'evt_2' as EventId, type: 'human_replied', at: '2025-03-01T09:00:01.000Z', data: { channel: 'email', message: 'ok', from: 'a@b.c' } },
    ];
    await sql(`INSERT INTO threads (id, agent, status, last_seq, created_at, updated_at) VALUES ($1, 'linear-assistant', 'ready', 2, now(), now())`, [id]);
    for (const [i, e] of old.entries()) {
      await sql('INSERT INTO events (thread_id, seq, id, type, at, data) VALUES ($1, $2, $3, $4, $5, $6::jsonb)', [id, i + 1, e.id, e.type, e.at, JSON.stringify(e.data)]);
    }

    // Two openings: the migration runs once and the second finds nothing to do.
    const stores = [await openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent }), await openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent })];
    try {
      const [store, sibling] = stores;
      if (store === undefined || sibling === undefined) throw new Error('no store');
      const column = await sql(`SELECT data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'data'`);
      expect(column.rows).toEqual([{ data_type: 'json' }]);
      expect(await sibling.load(id)).toEqual({ id, agent: 'linear-assistant', events: old.map((e, i) => ({ ...e, seq: i + 1 })) });

      const hostile: NewEvent = { id: 'evt_3' as EventId, type: 'human_replied', at: '2025-03-01T09:00:02.000Z', data: { channel: 'api', message: 'a\u0000b \ud800 \udfff' } };
      expect(await store.append(id, [hostile], { expectedSeq: 2 })).toEqual({ duplicate: false, events: [{ ...hostile, seq: 3 }] });
      expect((await sibling.load(id))?.events.at(-1)).toEqual({ ...hostile, seq: 3 });
      expect((await sibling.list({ id })).threads).toMatchObject([{ id, status: 'ready', lastSeq: 3 }]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
