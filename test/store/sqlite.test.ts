// The SQLite store: the shared contract on a temp file per test, plus what only SQLite has (pragmas, paths, processes).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HardwayError } from '../../src/core/errors.js';
import type { ThreadId } from '../../src/core/ids.js';
import { defaultSqlitePath, openStore, parseDatabaseUrl } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { spawnOwned, stopGroup } from '../support/children.js';
import { describeStoreContract } from './contract.js';
import { traceSqlite } from './statement-trace.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hardway-sqlite-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('sqlite', async (deps) => {
  const path = join(tempDir(), 'store.sqlite');
  const stores: ThreadStore[] = [];
  const openOne = async (): Promise<ThreadStore> => {
    const store = await openStore({ databaseUrl: path, ...deps });
    stores.push(store);
    return store;
  };
  return {
    store: await openOne(),
    openSibling: openOne,
    exec: async (sql) => {
      const db = new DatabaseSync(path);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    query: async (sql) => {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        return db.prepare(sql).all();
      } finally {
        db.close();
      }
    },
    trace: traceSqlite,
    cleanup: async () => {
      for (const store of stores) await store.close();
    },
  };
});

describe('SQLite store specifics', () => {
  it('reads DATABASE_URL: empty → ./data/hardway.sqlite, sqlite: forms, paths, postgres URLs', () => {
    expect(defaultSqlitePath).toBe('./data/hardway.sqlite');
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: 'sqlite', path: './data/hardway.sqlite' });
    expect(parseDatabaseUrl('  ')).toEqual({ kind: 'sqlite', path: './data/hardway.sqlite' });
    expect(parseDatabaseUrl('sqlite:')).toEqual({ kind: 'sqlite', path: './data/hardway.sqlite' });
    expect(parseDatabaseUrl(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('sqlite:data/x.sqlite')).toEqual({ kind: 'sqlite', path: 'data/x.sqlite' });
    expect(parseDatabaseUrl('sqlite:///var/lib/hardway.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/hardway.sqlite' });
    expect(parseDatabaseUrl('/tmp/h.sqlite')).toEqual({ kind: 'sqlite', path: '/tmp/h.sqlite' });
    expect(parseDatabaseUrl('postgres://u@db/hardway')).toEqual({ kind: 'postgres', url: 'postgres://u@db/hardway' });
    expect(parseDatabaseUrl('postgresql://u@db/hardway')).toEqual({ kind: 'postgres', url: 'postgresql://u@db/hardway' });
    expect(() => parseDatabaseUrl('mysql://u@db/hardway')).toThrow(
      expect.toSatisfy((e: unknown) => HardwayError.isInstance(e, 'config')),
    );
  });

  it('creates missing folders, and opens WAL with the durable settings', async () => {
    const path = join(tempDir(), 'nested', 'deeper', 'hardway.sqlite');
    const store = await openStore({ databaseUrl: `sqlite:${path}`, humanIntents: linearIntentsForEveryAgent });
    expect(store.kind).toBe('sqlite');
    await store.create({ id: 'thr_1' as ThreadId, agent: 'a', events: [] });
    const db = new DatabaseSync(path);
    try {
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r.name)).toEqual([
        'deliveries',
        'events',
        'step_prompts',
        'thread_terms',
        'threads',
      ]);
    } finally {
      db.close();
    }
    expect(existsSync(`${path}-wal`)).toBe(true);
    await store.close();
  });

  it('works in memory', async () => {
    const store = await openStore({ databaseUrl: ':memory:', humanIntents: linearIntentsForEveryAgent });
    await store.create({ id: 'thr_1' as ThreadId, agent: 'a', events: [] });
    expect((await store.list()).threads).toHaveLength(1);
    await store.close();
  });

  it('separate processes appending to one thread take turns (BEGIN IMMEDIATE + busy_timeout)', async () => {
    const path = join(tempDir(), 'shared.sqlite');
    const store = await openStore({ databaseUrl: path, humanIntents: linearIntentsForEveryAgent });
    const id = 'thr_shared' as ThreadId;
    await store.create({ id, agent: 'a', events: [] });
    const processes = 4;
    const appends = 25;
    const moduleUrl = pathToFileURL(join(import.meta.dirname, '../../src/store/open-store.ts')).href;
    // Each child: open, say ready, wait for the go (so all of them really overlap), then load → append at the seq it
    // saw → on conflict reload and retry; finally print how many conflicts it met.
    const child = `
      const { openStore } = await import(${JSON.stringify(moduleUrl)});
      const [path, id, worker, appends] = process.argv.slice(1);
      const store = await openStore({ databaseUrl: path, humanIntents: () => undefined });
      process.stdout.write('ready\\n');
      await new Promise((resolve) => process.stdin.once('data', resolve));
      let conflicts = 0;
      for (let i = 0; i < Number(appends); i++) {
        for (let attempt = 0; attempt < 1000; attempt++) {
          const thread = await store.load(id);
          const event = { id: 'evt_' + worker + '_' + i, type: 'message_received', at: new Date().toISOString(),
            data: { channel: 'cli', text: worker + '/' + i } };
          try { await store.append(id, [event], { expectedSeq: thread.events.length }); break; }
          catch (error) { if (error.code !== 'concurrency_conflict') throw error; conflicts++; }
        }
      }
      await store.close();
      process.stdout.write('conflicts ' + conflicts + '\\n');
      process.stdin.destroy();`;
    const children = Array.from({ length: processes }, (_, worker) => {
      const args = ['--import', 'tsx', '--input-type=module', '-e', child, path, id, String(worker), String(appends)];
      const p = spawnOwned(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const ready = new Promise<void>((resolve) => {
        p.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('ready')) resolve();
        });
      });
      const done = new Promise<number>((resolve, reject) => {
        p.on('error', reject);
        p.on('close', (code) => {
          if (code === 0) resolve(Number(/conflicts (\d+)/.exec(stdout)?.[1]));
          else reject(new Error(`worker ${worker} exited ${code}: ${stderr}`));
        });
      });
      // Awaited below; this only keeps a child that fails while another is awaited from going unhandled.
      done.catch(() => undefined);
      return { p, ready: Promise.race([ready, done.then(() => undefined)]), done };
    });
    let conflicts: number[];
    try {
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.p.stdin.write('go\n');
      conflicts = await Promise.all(children.map((c) => c.done));
    } finally {
      await Promise.all(children.map((c) => stopGroup(c.p)));
    }
    const events = (await store.load(id))?.events ?? [];
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: processes * appends }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.id)).size).toBe(processes * appends);
    expect(conflicts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await store.close();
  });
});
