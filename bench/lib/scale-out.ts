// Figure 11: threads per second with 1, 2 and 4 `hardway serve` processes sharing one PostgreSQL (fsync on), the
// model answering in 200 ms. Each process is the real service (bin/hardway.js serve: HTTP intake, workers claiming by
// lease, the Linear Assistant's BAML function, its tools over the embedded workspace). The bench is the load
// balancer: it launches threads by POST /v1/threads and approves each one's issue by POST …/responses, every request
// to the next process in turn, so a thread is often resumed by another process than the one that began it.
//
// A closed loop keeps `inFlight` threads going (a finished one is replaced at once); threads finished per second are
// counted after a warm-up. Then every thread is checked, not assumed: its model calls (the stub records which
// process sent each) never overlap and number exactly the script's; its events in the database are the script's,
// once each; no lease is left behind. CPU is read per process group from /proc, and for PostgreSQL's backends.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.js';
import type { TestPostgres } from '../../test/support/postgres.js';
import { seedFile } from '../../test/support/workspace.js';
import { SCALE_MODEL_STEPS, scaleMessage } from '../scenarios/scale-out.js';
import { groupCpuMs, ownCpuMs, treeCpuMs } from './process-cpu.js';
import { percentile } from './stats.js';
import type { BenchStub, StubRecord } from './stub-model.js';

export interface ScaleOutOptions {
  processes: readonly number[];
  /** Threads kept in flight, each level measured in turn on the same processes: the best is the saturated rate. */
  inFlight: readonly number[];
  warmupSec: number;
  durationSec: number;
  delayMs: number;
  /** DATABASE_POOL_SIZE of each process. */
  poolSize: number;
}

export interface ScaleOutPoint {
  processes: number;
  inFlight: number;
  threadsPerSec: number;
  /** Threads finished inside the measured window. */
  completed: number;
  /** Launch → done, of the threads finished in the window. */
  latencyMs: { p50: number; p99: number };
  /** CPU time per finished thread: the `hardway serve` processes, PostgreSQL's backends, the bench (driver + stub). */
  cpuMsPerThread: { hardway: number; postgres: number; bench: number };
  /** CPU seconds per wall second of everything above: how many of the machine's cores were busy. */
  coresBusy: number;
}

export interface ScaleOutRun {
  processes: number;
  points: ScaleOutPoint[];
  /** Threads launched and checked (warm-up and drain included). */
  checked: number;
  /** Of those, threads whose model calls came from more than one process (resumed elsewhere after the approval). */
  handedOff: number;
}

export interface ScaleOutFigure {
  runs: ScaleOutRun[];
  delayMs: number;
  poolSize: number;
  modelCalls: number;
}

const TOKEN = 'bench-scale-token-0123456789abcdef';
const SENDER = 'dana@company.com';
const HUMAN_STATUSES = new Set(['awaiting_human', 'failed']);

interface Flight {
  key: string;
  launchedAt: number;
  approved: boolean;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST ${url} → ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

function threadIdOf(reply: unknown): string {
  const id = typeof reply === 'object' && reply !== null ? (reply as { thread_id?: unknown }).thread_id : undefined;
  if (typeof id !== 'string') throw new Error(`launch answered without a thread id: ${JSON.stringify(reply)}`);
  return id;
}

/** The machine's CPU so far, by part. */
function cpuNow(servers: readonly ServerProcess[], postgres: TestPostgres): { hardway: number; postgres: number; bench: number } {
  const groups = groupCpuMs(servers.map((s) => s.child.pid ?? -1));
  const postmaster = postgres.postmasterPid();
  return {
    hardway: [...groups.values()].reduce((a, b) => a + b, 0),
    postgres: postmaster === undefined ? 0 : treeCpuMs(postmaster),
    bench: ownCpuMs(),
  };
}

class Driver {
  private readonly inflight = new Map<string, Flight>();
  private turn = 0;
  private launching = true;
  private counter = 0;
  readonly keyToThread = new Map<string, string>();
  readonly finished: Array<{ launchedAt: number; doneAt: number }> = [];
  readonly problems: string[] = [];

  constructor(
    private readonly servers: readonly ServerProcess[],
    private readonly db: pg.Pool,
    private readonly label: string,
  ) {}

  private next(): ServerProcess {
    const server = this.servers[this.turn++ % this.servers.length];
    if (server === undefined) throw new Error('no server');
    return server;
  }

  async launch(): Promise<void> {
    const key = `${this.label}-${++this.counter}`;
    const launchedAt = performance.now();
    const id = threadIdOf(await post(`${this.next().url}/v1/threads`, { message: scaleMessage(key), from: SENDER }));
    this.keyToThread.set(key, id);
    this.inflight.set(id, { key, launchedAt, approved: false });
  }

  /** Keeps `count` threads in flight until `stopLaunching`, then until every one has finished. */
  async run(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.launch()));
    const pending = new Set<Promise<void>>();
    const track = (p: Promise<void>): void => {
      const tracked = p.catch((error: unknown) => {
        this.problems.push(error instanceof Error ? error.message : String(error));
      }).finally(() => pending.delete(tracked));
      pending.add(tracked);
    };
    let gaveUpAt: number | undefined;
    while (this.inflight.size > 0 || pending.size > 0) {
      if (!this.launching) gaveUpAt ??= performance.now() + 120_000;
      if (gaveUpAt !== undefined && performance.now() > gaveUpAt) throw new Error(`${this.inflight.size} threads still in flight 120 s after the last launch`);
      if (this.problems.length > 0) throw new Error(`figure 11: ${this.problems.slice(0, 3).join('; ')}`);
      const ids = [...this.inflight.keys()];
      const { rows } = await this.db.query<{ id: string; status: string }>(
        "SELECT id, status FROM threads WHERE id = ANY($1::text[]) AND status IN ('awaiting_approval', 'done', 'awaiting_human', 'failed')",
        [ids],
      );
      for (const row of rows) {
        const flight = this.inflight.get(row.id);
        if (flight === undefined) continue;
        if (row.status === 'awaiting_approval' && !flight.approved) {
          flight.approved = true;
          track(post(`${this.next().url}/v1/threads/${row.id}/responses`, { type: 'approval', approved: true, by: SENDER }).then(() => undefined));
        } else if (row.status === 'done') {
          this.inflight.delete(row.id);
          this.finished.push({ launchedAt: flight.launchedAt, doneAt: performance.now() });
          if (this.launching) track(this.launch());
        } else if (HUMAN_STATUSES.has(row.status)) {
          throw new Error(`figure 11: thread ${row.id} (${flight.key}) ended ${row.status}; the script should never need a person`);
        }
      }
      await sleep(25);
    }
  }

  stopLaunching(): void {
    this.launching = false;
  }
}

/** Each thread: its model calls in turn, never two at once, exactly the script's; events once each; no lease left. */
async function check(driver: Driver, records: readonly StubRecord[], db: pg.Pool): Promise<{ checked: number; handedOff: number }> {
  const calls = new Map<string, StubRecord[]>();
  for (const r of records) {
    if (r.threadKey === undefined) continue;
    const list = calls.get(r.threadKey) ?? [];
    list.push(r);
    calls.set(r.threadKey, list);
  }
  let handedOff = 0;
  for (const [key] of driver.keyToThread) {
    const mine = (calls.get(key) ?? []).sort((a, b) => a.arrivedAt - b.arrivedAt);
    if (mine.length !== SCALE_MODEL_STEPS) throw new Error(`figure 11: thread ${key} made ${mine.length} model calls, expected ${SCALE_MODEL_STEPS}`);
    for (let i = 1; i < mine.length; i++) {
      const [before, after] = [mine[i - 1], mine[i]];
      if (before !== undefined && after !== undefined && after.arrivedAt < before.answeredAt) {
        throw new Error(`figure 11: thread ${key} had two model calls at once (${before.system} and ${after.system}): two processes ran it`);
      }
    }
    if (new Set(mine.map((r) => r.system)).size > 1) handedOff++;
  }
  const ids = [...driver.keyToThread.values()];
  const { rows } = await db.query<{ thread_id: string; types: string[]; seqs: number[] }>(
    'SELECT thread_id, array_agg(type ORDER BY seq) AS types, array_agg(seq ORDER BY seq) AS seqs FROM events WHERE thread_id = ANY($1::text[]) GROUP BY thread_id',
    [ids],
  );
  if (rows.length !== ids.length) throw new Error(`figure 11: ${ids.length} threads launched, ${rows.length} have events`);
  const expected = rows[0]?.types.join(',');
  for (const row of rows) {
    if (row.types.join(',') !== expected) throw new Error(`figure 11: thread ${row.thread_id} has events ${row.types.join(',')}, the first had ${expected}`);
    if (row.seqs.some((seq, i) => seq !== i + 1)) throw new Error(`figure 11: thread ${row.thread_id} has seqs ${row.seqs.join(',')}`);
    if (row.types.some((t) => t === 'tool_failed' || t === 'step_rejected')) throw new Error(`figure 11: thread ${row.thread_id} had a failure: ${row.types.join(',')}`);
  }
  const leased = await db.query<{ n: string }>('SELECT count(*) AS n FROM threads WHERE lease_owner IS NOT NULL');
  if (Number(leased.rows[0]?.n) !== 0) throw new Error(`figure 11: ${leased.rows[0]?.n} threads still leased after every one finished`);
  return { checked: ids.length, handedOff };
}

async function startServers(count: number, databaseUrl: string, stub: BenchStub, options: ScaleOutOptions): Promise<ServerProcess[]> {
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = await startServerProcess({
        API_TOKEN: TOKEN,
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: String(options.poolSize),
        LLM_PROVIDER: 'openai-compatible',
        LLM_BASE_URL: stub.baseUrl(`p${i}`),
        LLM_MODEL: 'stub',
        LINEAR_WORKSPACE_FILE: ':memory:',
        LINEAR_SEED_FILE: seedFile,
        APPROVAL_INTENTS: 'create_issue',
        // Every thread could land on one process: none may be refused a slot.
        WORKER_CONCURRENCY: String(Math.max(...options.inFlight)),
        LOG_LEVEL: 'info',
      });
      // Production logs at info; the bench reads the lines only until the server is up, then just drains them.
      server.child.stdout?.removeAllListeners('data');
      server.child.stdout?.resume();
      servers.push(server);
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

/** The stub's systems for figure 11: one per process, so each call says which process sent it. */
export const scaleOutSystems = (max: number): string[] => Array.from({ length: max }, (_, i) => `p${i}`);

export async function measureScaleOut(postgres: TestPostgres, stub: BenchStub, options: ScaleOutOptions, log: (line: string) => void): Promise<ScaleOutFigure> {
  const runs: ScaleOutRun[] = [];
  stub.delayMs = options.delayMs;
  try {
    for (const n of options.processes) {
      const databaseUrl = await postgres.createDatabase();
      const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      const servers = await startServers(n, databaseUrl, stub, options);
      const points: ScaleOutPoint[] = [];
      stub.clear();
      const drivers: Driver[] = [];
      try {
        for (const inFlight of options.inFlight) {
          const driver = new Driver(servers, db, `${n}p${inFlight}`);
          drivers.push(driver);
          const running = driver.run(inFlight);
          // A failed run must not wait out the timers below.
          const failed = running.then(() => undefined);
          await Promise.race([sleep(options.warmupSec * 1000), failed]);
          const cpu0 = cpuNow(servers, postgres);
          const t0 = performance.now();
          const done0 = driver.finished.length;
          await Promise.race([sleep(options.durationSec * 1000), failed]);
          const t1 = performance.now();
          const cpu1 = cpuNow(servers, postgres);
          const window = driver.finished.slice(done0).filter((f) => f.doneAt <= t1);
          driver.stopLaunching();
          await running;
          const seconds = (t1 - t0) / 1000;
          const completed = window.length;
          const per = (a: number, b: number): number => (completed === 0 ? Number.NaN : (b - a) / completed);
          const latencies = window.map((f) => f.doneAt - f.launchedAt);
          const point: ScaleOutPoint = {
            processes: n,
            inFlight,
            threadsPerSec: completed / seconds,
            completed,
            latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
            cpuMsPerThread: { hardway: per(cpu0.hardway, cpu1.hardway), postgres: per(cpu0.postgres, cpu1.postgres), bench: per(cpu0.bench, cpu1.bench) },
            coresBusy: (cpu1.hardway - cpu0.hardway + cpu1.postgres - cpu0.postgres + cpu1.bench - cpu0.bench) / (t1 - t0),
          };
          points.push(point);
          log(
            `  ${n} process(es), ${inFlight} in flight: ${point.threadsPerSec.toFixed(1)} threads/s, p50 ${point.latencyMs.p50.toFixed(0)} ms, ` +
              `CPU per thread ${point.cpuMsPerThread.hardway.toFixed(1)} + ${point.cpuMsPerThread.postgres.toFixed(1)} (PostgreSQL) ms, ${point.coresBusy.toFixed(2)} cores busy`,
          );
        }
        if (stub.errors.length > 0) throw new Error(`figure 11: the stub saw ${stub.errors.length} problem(s), e.g. ${stub.errors.slice(0, 2).join('; ')}`);
        let checked = 0;
        let handedOff = 0;
        for (const driver of drivers) {
          const c = await check(driver, stub.records, db);
          checked += c.checked;
          handedOff += c.handedOff;
        }
        log(`  ${n} process(es): ${checked} threads checked, one process at a time each; ${handedOff} resumed by another process`);
        runs.push({ processes: n, points, checked, handedOff });
      } finally {
        stub.clear();
        await Promise.all(servers.map((s) => s.stop()));
        await db.end();
      }
    }
  } finally {
    stub.delayMs = 0;
  }
  return { runs, delayMs: options.delayMs, poolSize: options.poolSize, modelCalls: SCALE_MODEL_STEPS };
}

/** The best rate of each process count, and its ratio to one process's best. */
export function scaleOutSpeedups(figure: ScaleOutFigure): Array<{ processes: number; best: ScaleOutPoint; speedup: number }> {
  const best = figure.runs.map((run) => ({
    processes: run.processes,
    best: run.points.reduce((a, b) => (b.threadsPerSec > a.threadsPerSec ? b : a)),
  }));
  const one = best.find((b) => b.processes === 1)?.best.threadsPerSec ?? Number.NaN;
  return best.map((b) => ({ ...b, speedup: b.best.threadsPerSec / one }));
}
