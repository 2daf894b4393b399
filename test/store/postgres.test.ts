// The PostgreSQL store: the shared contract on a throwaway cluster (a fresh database per test), plus schema races.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreadId } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { describeStoreContract } from './contract.js';

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
      cleanup: async () => {
        await Promise.all(stores.map((store) => store.close()));
      },
    };
  });

  it('eight processes opening an empty database at once all get the schema (advisory lock)', async () => {
    const url = (await freshDatabase()).replace(/^postgres:/, 'postgresql:');
    const stores = await Promise.all(Array.from({ length: 8 }, () => openStore({ databaseUrl: url })));
    try {
      expect(stores.every((s) => s.kind === 'postgres')).toBe(true);
      const [first, second] = stores;
      await first?.create({ id: 'thr_1' as ThreadId, agent: 'a', events: [] });
      expect((await second?.list())?.threads.map((t) => t.id)).toEqual(['thr_1']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
