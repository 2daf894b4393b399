// DATABASE_POOL_SIZE: how many PostgreSQL connections one process holds, whatever its load.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import type { ThreadId } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { postgresAvailable } from '../support/postgres.js';
import { postgresForSuite } from '../support/postgres-suite.js';

async function connectionsTo(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return Number(result.rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe('DATABASE_POOL_SIZE', () => {
  it('defaults to 10 and refuses a size below 1', () => {
    expect(readConfig({}).databasePoolSize).toBe(10);
    expect(readConfig({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    expect(() => readConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});

describe.skipIf(!postgresAvailable())('DATABASE_POOL_SIZE on PostgreSQL', () => {
  const server = postgresForSuite();

  it('40 threads created at once go through exactly the configured 3 connections', async () => {
    const url = await server().createDatabase();
    const config = readConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '3' });
    const store = await openStore({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, humanIntents: linearIntentsForEveryAgent });
    try {
      const created = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.create({ id: `thr_pool_${i}` as ThreadId, agent: 'linear-assistant', events: [] })),
      );
      expect(created.every((c) => c.created)).toBe(true);
      // Idle connections stay in the pool (for 10 s), so what it opened under the burst is still there to count.
      expect(await connectionsTo(url)).toBe(3);
      expect((await store.list({ limit: 200 })).threads).toHaveLength(40);
    } finally {
      await store.close();
    }
  });
});
