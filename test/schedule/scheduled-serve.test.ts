// Scheduled triggers in two real `hardway serve` processes on one PostgreSQL, on the wall clock: a schedule that
// ticks every second fires in both, and each tick is one thread (its delivery id), whichever process was first.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';
import { until } from './manual-time.js';

const pgUp = postgresAvailable();
let postgres: TestPostgres;
let llm: StubLlm;

beforeAll(async () => {
  llm = await startStubLlm();
  if (pgUp) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await llm.close();
  if (pgUp) await postgres.stop();
});

const everySecond = { name: 'heartbeat-digest', cron: '* * * * * *', agent: 'linear-assistant', message: 'Say hello to ops.' };

/** Each tick a process fired, with what the store made of it there. */
function ticksOf(server: ServerProcess): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of server.logs()) if (line['msg'] === 'schedule tick') out.set(String(line['tick']), String(line['outcome']));
  return out;
}

describe.skipIf(!pgUp)('a schedule in two hardway serve processes', () => {
  it('fires every tick in both, and every tick is exactly one thread', async () => {
    const url = await postgres.createDatabase();
    const env = {
      DATABASE_URL: url,
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'stub',
      LINEAR_WORKSPACE_FILE: ':memory:',
      LINEAR_SEED_FILE: seedFile,
      // The threads are started, not run: this is about who starts them.
      WORKER_CONCURRENCY: '0',
      SCHEDULES: JSON.stringify([everySecond]),
    };
    const servers = [await startServerProcess(env), await startServerProcess(env)];
    const both = (): string[] => {
      const [a, b] = servers.map(ticksOf) as [Map<string, string>, Map<string, string>];
      return [...a.keys()].filter((tick) => b.has(tick));
    };
    try {
      await until(() => both().length >= 3, 'both processes to fire three of the same ticks', 60_000);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    const fired = servers.map(ticksOf);
    for (const tick of both()) {
      expect(fired.map((f) => f.get(tick)).toSorted(), tick).toEqual(['duplicate', 'started']);
    }
    // No tick was started twice; what a process logged as started is in the database.
    const started = fired.flatMap((f) => [...f].flatMap(([tick, outcome]) => (outcome === 'started' ? [tick] : [])));
    expect(new Set(started).size).toBe(started.length);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const ids = (await client.query<{ id: string }>('SELECT delivery_id AS id FROM deliveries')).rows.map((r) => r.id);
      for (const tick of started) expect(ids).toContain(`${everySecond.name}@${tick}`);
      expect(ids.every((id) => id.startsWith(`${everySecond.name}@`))).toBe(true);
      // One thread per tick: as many threads as ticks recorded, each under its own delivery.
      const threads = await client.query<{ n: string }>('SELECT count(*) AS n FROM threads');
      expect(Number(threads.rows[0]?.n)).toBe(ids.length);
      const distinctThreads = await client.query<{ n: string }>('SELECT count(DISTINCT thread_id) AS n FROM deliveries');
      expect(Number(distinctThreads.rows[0]?.n)).toBe(ids.length);
    } finally {
      await client.end();
    }
  }, 120_000);
});
