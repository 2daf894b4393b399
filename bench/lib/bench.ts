// The whole benchmark: every figure, every system, one stub model, one report. bench/run.ts is the CLI around it;
// test/bench/bench-smoke.test.ts runs it with tiny sizes so it cannot rot.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findPostgresBinDir, startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { MODEL_STEPS } from '../scenarios/email-triage.js';
import { hardwaySystem } from './hardway-system.js';
import { machineInfo } from './machine.js';
import { measureLongThread, type LongThreadOptions, type LongThreadPoint } from './long-thread.js';
import { installPeers, loadPeers, peersInstalled } from './peers.js';
import { missingFacts, promptFigures, type PromptFigures } from './prompt-tokens.js';
import { computeRatios, type BenchReport } from './report.js';
import { runScenarios, type RunnerEntry } from './scenario-runs.js';
import { summarize, type Summary } from './stats.js';
import { measureStoredThreads, type StoredThreadsPoint } from './stored-threads.js';
import { startBenchStub, type BenchStub } from './stub-model.js';
import type { BenchSystem } from './system.js';
import { measureInFlight, type InFlightPoint } from './threads-in-flight.js';
import { measureIntake } from './webhook-intake.js';
import { measureModelBoundary, type ModelBoundaryOptions, type ModelBoundaryPoint } from './model-boundary.js';
import { measureInspectorPages, type InspectorPagesOptions, type InspectorPagesPoint } from './inspector-pages.js';
import { measureScaleOut, scaleOutSystems, type ScaleOutFigure, type ScaleOutOptions } from './scale-out.js';

export interface BenchOptions {
  command: string;
  quick: boolean;
  /** Scenario runs per system for figures 1–4, after `warmup` unmeasured ones. */
  runs: number;
  warmup: number;
  storedSizes: number[];
  resumesPerSize: number;
  /** Figure 9: the model boundary alone, with this many ~1 KB tool results in the thread. */
  modelBoundary: ModelBoundaryOptions;
  /** Unmeasured runs before the first size, and after each size's seeding. */
  storedWarmup: { runs: number; settle: number };
  intake: { durationSec: number; warmupSec: number; connections: number };
  inFlight: { counts: number[]; delayMs: number; repeats: (n: number) => number };
  longThread: LongThreadOptions;
  /** Figure 10: the inspector's thread page of this many events and its list over this many stored threads. */
  inspectorPages: InspectorPagesOptions;
  /** Figure 11: `hardway serve` processes on one PostgreSQL (fsync on). */
  scaleOut: ScaleOutOptions;
  /** Run only these figures ('1'…'11'; any of 1–4 runs those four, which come from the same runs); all when absent. */
  only?: ReadonlySet<string>;
  /** auto: use the peers if installed; install: install them first when missing; skip: Hardway only. */
  peers: 'auto' | 'install' | 'skip';
  postgres: boolean;
  log: (line: string) => void;
}

export const fullOptions: Omit<BenchOptions, 'log' | 'command'> = {
  quick: false,
  runs: 50,
  warmup: 3,
  storedSizes: [1_000, 10_000, 100_000],
  resumesPerSize: 21,
  storedWarmup: { runs: 10, settle: 3 },
  intake: { durationSec: 5, warmupSec: 1, connections: 16 },
  inFlight: { counts: [1, 10, 100, 500], delayMs: 200, repeats: () => 3 },
  longThread: { steps: 200, early: 10, window: 5, runs: 5, warmup: 1 },
  modelBoundary: { results: [10, 200], calls: 200, warmup: 50 },
  inspectorPages: { threads: 100_000, events: 500, runs: 5 },
  scaleOut: { processes: [1, 2, 4], inFlight: [50, 100, 200], warmupSec: 4, durationSec: 10, delayMs: 200, poolSize: 10 },
  peers: 'install',
  postgres: true,
};

export const quickOptions: Omit<BenchOptions, 'log' | 'command'> = {
  quick: true,
  runs: 2,
  warmup: 1,
  storedSizes: [10],
  resumesPerSize: 1,
  storedWarmup: { runs: 1, settle: 0 },
  intake: { durationSec: 1, warmupSec: 0, connections: 2 },
  inFlight: { counts: [1, 2], delayMs: 200, repeats: () => 1 },
  longThread: { steps: 20, early: 10, window: 5, runs: 1, warmup: 0 },
  modelBoundary: { results: [1, 5], calls: 2, warmup: 1 },
  inspectorPages: { threads: 10, events: 20, runs: 1 },
  scaleOut: { processes: [1, 2], inFlight: [3], warmupSec: 0.5, durationSec: 1.5, delayMs: 200, poolSize: 4 },
  peers: 'auto',
  postgres: true,
};

async function peerSystems(options: BenchOptions): Promise<{ systems: BenchSystem[]; skipped: string[] }> {
  if (options.peers === 'skip') return { systems: [], skipped: ['the peers (--hardway-only)'] };
  if (!peersInstalled()) {
    if (options.peers === 'auto') return { systems: [], skipped: ['the peers: bench/peers/node_modules is missing (`npm run bench` installs it)'] };
    const installed = installPeers(options.log);
    if (!installed.ok) return { systems: [], skipped: [`the peers: ${installed.reason}`] };
  }
  const { systems, problems } = await loadPeers();
  return { systems, skipped: problems };
}

async function openAll(systems: readonly BenchSystem[], dir: string, stubUrl: (id: string) => string, phase: string): Promise<RunnerEntry[]> {
  const entries: RunnerEntry[] = [];
  for (const system of systems) {
    const folder = join(dir, `${system.id}-${phase}`);
    mkdirSync(folder, { recursive: true });
    entries.push({ id: system.id, instance: await system.open({ baseUrl: stubUrl(system.id), dir: folder }) });
  }
  return entries;
}

async function closeAll(entries: readonly RunnerEntry[]): Promise<void> {
  for (const entry of entries) await entry.instance.close();
}

/** Every system must have played the scenario as written: a failed tool call voids the figures. */
function assertClean(stub: BenchStub, phase: string): void {
  if (stub.errors.length > 0) throw new Error(`${phase}: ${stub.errors.length} problem(s), e.g. ${stub.errors.slice(0, 3).join('; ')}`);
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const began = performance.now();
  const log = options.log;
  const peers = await peerSystems(options);
  const systems = [hardwaySystem, ...peers.systems];
  for (const s of peers.skipped) log(`skipping ${s}`);
  const dir = mkdtempSync(join(tmpdir(), 'hardway-bench-'));
  const stub = await startBenchStub(Object.fromEntries(systems.map((s) => [s.id, s.id === hardwaySystem.id ? 'json-content' : 'tool-calls'])));
  let postgres: TestPostgres | undefined;
  const wanted = (...figures: string[]): boolean => options.only === undefined || figures.some((f) => options.only?.has(f));
  try {
    let entries: RunnerEntry[];
    const overheadPerStepMs: Record<string, Summary> = {};
    const stateBytesTotal: Record<string, Summary> = {};
    const stateBytesPerStep: Record<string, Summary> = {};
    const stateRows: Record<string, number> = {};
    const pauseToResumeMs: Record<string, Summary> = {};
    const prompts: Record<string, PromptFigures> = {};
    // First, while the process is small: late in the run its heap is the other figures' (GC pauses grow with it).
    let modelBoundary: ModelBoundaryPoint[] = [];
    if (wanted('9')) {
      log(`figure 9: the model boundary alone, ${options.modelBoundary.calls} calls per size`);
      modelBoundary = await measureModelBoundary(options.modelBoundary);
    }
    let inspectorPages: InspectorPagesPoint | undefined;
    if (wanted('10')) {
      const ip = options.inspectorPages;
      log(`figure 10: the inspector's thread page of ${ip.events} events and its list over ${ip.threads} threads, ${ip.runs} loads each`);
      inspectorPages = await measureInspectorPages(ip, log);
    }

    if (wanted('1', '2', '3', '4')) {
      log(`figures 1–4: ${options.warmup} + ${options.runs} scenario runs per system (${systems.map((s) => s.name).join(', ')})`);
      entries = await openAll(systems, dir, stub.baseUrl, 'runs');
      const runs = await runScenarios(entries, stub, { runs: options.runs, warmup: options.warmup });
      await closeAll(entries);
      assertClean(stub, 'figures 1–4');
      stub.clear();
      for (const [id, records] of runs) {
        overheadPerStepMs[id] = summarize(records.map((r) => r.overheadPerStepMs));
        stateBytesTotal[id] = summarize(records.map((r) => r.stateBytes));
        stateBytesPerStep[id] = summarize(records.map((r) => r.stateBytes / MODEL_STEPS));
        stateRows[id] = records.at(-1)?.stateRows ?? 0;
        pauseToResumeMs[id] = summarize(records.map((r) => r.pauseToResumeMs));
        const last = records.at(-1)?.prompts;
        if (last !== undefined) {
          // The same information must reach every system's model: a prompt that lost a fact voids the figure.
          const missing = missingFacts(last);
          if (missing.length > 0) throw new Error(`${id}: the prompts lack what the scripted model relies on: ${missing.join('; ')}`);
          prompts[id] = promptFigures(last);
        }
      }
    }

    const storedThreads: Record<string, StoredThreadsPoint[]> = {};
    if (wanted('5')) {
      log(`figure 5: resume with ${options.storedSizes.join(', ')} stored threads`);
      entries = await openAll(systems, dir, stub.baseUrl, 'stored');
      for (const entry of entries) {
        storedThreads[entry.id] = await measureStoredThreads(entry, stub, { sizes: options.storedSizes, resumes: options.resumesPerSize, warmup: options.storedWarmup.runs, settle: options.storedWarmup.settle });
        log(`  ${entry.id}: ${storedThreads[entry.id]?.map((p) => `${p.threads} → ${p.resumeMs.median.toFixed(1)} ms (seeded in ${(p.seedMs / 1000).toFixed(1)} s)`).join(', ')}`);
      }
      await closeAll(entries);
      assertClean(stub, 'figure 5');
      stub.clear();
    }

    let pg: { url: string } | { unavailable: string } = { unavailable: 'disabled (--no-postgres)' };
    if (options.postgres && wanted('6')) {
      if (findPostgresBinDir() === undefined) pg = { unavailable: 'PostgreSQL server binaries not found (apt-get install postgresql)' };
      else {
        try {
          postgres = await startPostgres();
          pg = { url: postgres.url };
        } catch (error) {
          pg = { unavailable: `could not start PostgreSQL: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
        }
      }
    }
    let intake: BenchReport['figures']['intake'] = { postgres: 'not run (--only)', results: [] };
    if (wanted('6')) {
      log(`figure 6: intake under load (${options.intake.connections} connections, ${options.intake.durationSec} s each; PostgreSQL: ${'url' in pg ? 'yes' : pg.unavailable})`);
      intake = await measureIntake({ dir, ...options.intake, postgres: pg });
      await postgres?.stop();
      postgres = undefined;
    }

    let inFlight = new Map<string, InFlightPoint[]>();
    if (wanted('7')) {
      log(`figure 7: ${options.inFlight.counts.join(', ')} threads in flight, model answering in ${options.inFlight.delayMs} ms`);
      entries = await openAll(systems, dir, stub.baseUrl, 'flight');
      inFlight = await measureInFlight(entries, stub, options.inFlight);
      await closeAll(entries);
      assertClean(stub, 'figure 7');
      stub.clear();
    }

    let longThread = new Map<string, LongThreadPoint>();
    if (wanted('8')) {
      const lt = options.longThread;
      log(`figure 8: step ${lt.early} vs step ${lt.steps} of a ${lt.steps}-step thread, ${lt.warmup} + ${lt.runs} runs per system`);
      entries = await openAll(systems, dir, stub.baseUrl, 'long');
      longThread = await measureLongThread(entries, stub, lt);
      await closeAll(entries);
      assertClean(stub, 'figure 8');
      for (const [id, p] of longThread) log(`  ${id}: step ${p.early} ${p.earlyMs.median.toFixed(2)} ms, step ${p.late} ${p.lateMs.median.toFixed(2)} ms (× ${p.growth.toFixed(2)})`);
    }

    // Last: its processes need the whole machine, and the PostgreSQL here is durable (fsync on), unlike figure 6's.
    let scaleOut: ScaleOutFigure | { unavailable: string } | undefined;
    if (wanted('11')) {
      const so = options.scaleOut;
      if (!options.postgres) scaleOut = { unavailable: 'disabled (--no-postgres)' };
      else if (findPostgresBinDir() === undefined) scaleOut = { unavailable: 'PostgreSQL server binaries not found (apt-get install postgresql)' };
      else {
        log(`figure 11: ${so.processes.join(', ')} \`hardway serve\` processes on one PostgreSQL (fsync on), ${so.inFlight.join(' / ')} threads in flight, model answering in ${so.delayMs} ms`);
        const durable = await startPostgres({ durable: true });
        const scaleStub = await startBenchStub(Object.fromEntries(scaleOutSystems(Math.max(...so.processes)).map((s) => [s, 'json-content' as const])));
        try {
          scaleOut = await measureScaleOut(durable, scaleStub, so, log);
        } finally {
          await scaleStub.close();
          await durable.stop();
        }
      }
    }

    const partial: Omit<BenchReport, 'ratios'> = {
      date: new Date().toISOString().slice(0, 10),
      command: options.command,
      quick: options.quick,
      elapsedSec: (performance.now() - began) / 1000,
      machine: machineInfo(),
      systems: systems.map((s) => ({ id: s.id, name: s.name, versions: s.versions(), durability: s.durability, stateDescription: s.stateDescription })),
      skipped: peers.skipped,
      settings: {
        runs: options.runs,
        warmup: options.warmup,
        storedSizes: options.storedSizes,
        resumesPerSize: options.resumesPerSize,
        intake: options.intake,
        inFlightCounts: options.inFlight.counts,
        inFlightDelayMs: options.inFlight.delayMs,
        inFlightRepeats: Object.fromEntries(options.inFlight.counts.map((n) => [n, options.inFlight.repeats(n)])),
        longThread: options.longThread,
        modelBoundary: options.modelBoundary,
        inspectorPages: options.inspectorPages,
        scaleOut: options.scaleOut,
        ...(options.only ? { only: [...options.only].sort() } : {}),
      },
      figures: {
        overheadPerStepMs,
        stateBytesTotal,
        stateBytesPerStep,
        stateRows,
        pauseToResumeMs,
        prompts,
        storedThreads,
        intake,
        inFlight: Object.fromEntries(inFlight),
        longThread: Object.fromEntries(longThread),
        modelBoundary,
        ...(inspectorPages ? { inspectorPages } : {}),
        ...(scaleOut ? { scaleOut } : {}),
      },
    };
    return { ...partial, ratios: computeRatios(partial) };
  } finally {
    await postgres?.stop();
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
