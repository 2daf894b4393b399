// The bench's results: the JSON shape written under bench/results/, the ratios against each peer, and the
// markdown table printed at the end (and pasted into the README by bench/update-readme.ts).
import type { LongThreadPoint } from './long-thread.js';
import type { IntakeResult } from './webhook-intake.js';
import type { InFlightPoint } from './threads-in-flight.js';
import type { MachineInfo } from './machine.js';
import type { ModelBoundaryPoint } from './model-boundary.js';
import type { InspectorPagesPoint } from './inspector-pages.js';
import { scaleOutSpeedups, type ScaleOutFigure } from './scale-out.js';
import type { PromptFigures } from './prompt-tokens.js';
import { COST_MODEL, describeStepCost, stepCosts } from './step-cost.js';
import type { Summary } from './stats.js';
import type { StoredThreadsPoint } from './stored-threads.js';

export interface SystemInfo {
  id: string;
  name: string;
  versions: Record<string, string>;
  durability: string;
  stateDescription: string;
}

export interface Ratio {
  figure: string;
  metric: string;
  peer: string;
  /** How many times better Hardway is: above 1 Hardway is ahead, below 1 the peer is. */
  advantage: number;
  better: 'lower' | 'higher';
}

export interface BenchReport {
  date: string;
  command: string;
  quick: boolean;
  elapsedSec: number;
  machine: MachineInfo;
  systems: SystemInfo[];
  /** Peers that could not be run, and why. */
  skipped: string[];
  settings: Record<string, unknown>;
  figures: {
    overheadPerStepMs: Record<string, Summary>;
    stateBytesTotal: Record<string, Summary>;
    stateBytesPerStep: Record<string, Summary>;
    stateRows: Record<string, number>;
    pauseToResumeMs: Record<string, Summary>;
    prompts: Record<string, PromptFigures>;
    storedThreads: Record<string, StoredThreadsPoint[]>;
    intake: { postgres: string; results: IntakeResult[] };
    inFlight: Record<string, InFlightPoint[]>;
    longThread: Record<string, LongThreadPoint>;
    /** Figure 9, Hardway's alone; absent in reports written before it existed. */
    modelBoundary?: ModelBoundaryPoint[];
    /** Figure 10, Hardway's alone; absent when not run or without Chromium. */
    inspectorPages?: InspectorPagesPoint;
    /** Figure 11, Hardway's alone; absent when not run. */
    scaleOut?: ScaleOutFigure | { unavailable: string };
  };
  ratios: Ratio[];
}

export const HARDWAY = 'hardway';

/** Every comparable figure, Hardway against each peer, from the medians of the same run. */
export function computeRatios(report: Omit<BenchReport, 'ratios'>): Ratio[] {
  const ratios: Ratio[] = [];
  const f = report.figures;
  const peers = report.systems.filter((s) => s.id !== HARDWAY);
  const add = (figure: string, metric: string, better: Ratio['better'], value: (id: string) => number | undefined): void => {
    const ours = value(HARDWAY);
    for (const peer of peers) {
      const theirs = value(peer.id);
      if (ours === undefined || theirs === undefined || !(ours > 0) || !(theirs > 0)) continue;
      ratios.push({ figure, metric, peer: peer.id, better, advantage: better === 'lower' ? theirs / ours : ours / theirs });
    }
  };
  add('1', 'overhead per step', 'lower', (id) => f.overheadPerStepMs[id]?.median);
  add('2', 'state bytes after the scenario', 'lower', (id) => f.stateBytesTotal[id]?.median);
  add('2', 'state bytes per step', 'lower', (id) => f.stateBytesPerStep[id]?.median);
  add('3', 'pause → resume', 'lower', (id) => f.pauseToResumeMs[id]?.median);
  add('4', 'input tokens per step', 'lower', (id) => meanTokens(f.prompts[id]));
  add('4', 'input tokens, whole scenario', 'lower', (id) => f.prompts[id]?.totalTokens);
  add('4', 'prompt-cache prefix share', 'higher', (id) => f.prompts[id]?.prefixShare);
  add('4', 'uncached tokens per step', 'lower', (id) => mean(f.prompts[id]?.uncachedTokensPerStep));
  add('4', 'prompt cost per step', 'lower', (id) => (f.prompts[id] ? stepCosts(f.prompts[id])?.meanCostUsd : undefined));
  const sizes = [...new Set(Object.values(f.storedThreads).flatMap((points) => points.map((p) => p.threads)))];
  for (const size of sizes) {
    add('5', `resume with ${compact(size)} stored threads`, 'lower', (id) => f.storedThreads[id]?.find((p) => p.threads === size)?.resumeMs.median);
  }
  const counts = [...new Set(Object.values(f.inFlight).flatMap((points) => points.map((p) => p.threads)))];
  for (const n of counts) {
    add('7', `throughput, ${n} threads in flight`, 'higher', (id) => f.inFlight[id]?.find((p) => p.threads === n)?.threadsPerSec.median);
  }
  const long = Object.values(f.longThread)[0];
  if (long !== undefined) {
    add('8', `cost of step ${long.late} of a ${long.steps}-step thread`, 'lower', (id) => f.longThread[id]?.lateMs.median);
    add('8', `step ${long.late} ÷ step ${long.early}`, 'lower', (id) => f.longThread[id]?.growth);
  }
  return ratios;
}

function mean(values: readonly number[] | undefined): number | undefined {
  return values === undefined || values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

function meanTokens(p: PromptFigures | undefined): number | undefined {
  return p === undefined || p.tokensPerStep.length === 0 ? undefined : p.totalTokens / p.tokensPerStep.length;
}

export function compact(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

function num(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '–';
  const d = Math.abs(n) >= 100 ? 0 : digits;
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

function spread(s: Summary | undefined, unit = '', digits = 1): string {
  if (s === undefined) return '–';
  if (s.n <= 1 || s.min === s.max) return `${num(s.median, digits)}${unit}`;
  return `${num(s.median, digits)}${unit} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

function bytes(n: number): string {
  return n >= 1024 ? `${num(n / 1024)} KiB` : `${num(n, 0)} B`;
}

function verdict(ratio: Ratio | undefined, peerName: string): string {
  if (ratio === undefined) return '–';
  const a = ratio.advantage;
  if (a >= 1.05) return `**${num(a, 2)}×** better`;
  if (a > 1 / 1.05) return `≈ (${num(a, 2)}×)`;
  return `${num(a, 2)}× (${peerName} ahead)`;
}

export function renderMarkdown(report: BenchReport): string {
  const f = report.figures;
  const systems = report.systems;
  const peers = systems.filter((s) => s.id !== HARDWAY);
  const ratioOf = (metric: string, peer: string) => report.ratios.find((r) => r.metric === metric && r.peer === peer);
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`Measured ${report.date} with \`${report.command}\`${report.quick ? ' (quick sizes)' : ''} in ${num(report.elapsedSec, 0)} s.`);
  lines.push('');
  lines.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${num(m.memoryGiB)} GiB; ${m.platform}; Node ${m.node}.`);
  lines.push(`Versions: ${systems.map((s) => `${s.name} (${Object.entries(s.versions).map(([k, v]) => `${k} ${v}`).join(', ')})`).join('; ')}.`);
  if (report.skipped.length > 0) lines.push(`Not run: ${report.skipped.join('; ')}.`);
  lines.push('');
  const header = ['#', 'Figure', ...systems.map((s) => s.name), ...peers.map((p) => `Hardway vs ${p.name}`)];
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|${header.map((_, i) => (i < 2 ? '---' : '--:')).join('|')}|`);
  const row = (n: string, label: string, cell: (id: string) => string, metric?: string): void => {
    const verdicts = peers.map((p) => (metric === undefined ? '–' : verdict(ratioOf(metric, p.id), p.name)));
    lines.push(`| ${[n, label, ...systems.map((s) => cell(s.id)), ...verdicts].join(' | ')} |`);
  };
  row('1', 'Overhead per step, ms (wall − stub time, state persisted)', (id) => spread(f.overheadPerStepMs[id], '', 2), 'overhead per step');
  row('2', 'State after the scenario', (id) => {
    const s = f.stateBytesTotal[id];
    return s ? `${bytes(s.median)} in ${f.stateRows[id] ?? '?'} rows` : '–';
  }, 'state bytes after the scenario');
  row('2', 'State bytes per step', (id) => (f.stateBytesPerStep[id] ? bytes(f.stateBytesPerStep[id].median) : '–'), 'state bytes per step');
  row('3', 'Pause → resume, ms (answer in → next model request)', (id) => spread(f.pauseToResumeMs[id], '', 2), 'pause → resume');
  row('4', 'Input tokens per step (mean of 6)', (id) => {
    const mean = meanTokens(f.prompts[id]);
    return mean === undefined ? '–' : num(mean, 0);
  }, 'input tokens per step');
  row('4', 'Input tokens, whole scenario', (id) => (f.prompts[id] ? num(f.prompts[id].totalTokens, 0) : '–'), 'input tokens, whole scenario');
  row('4', "Prompt bytes that prefix the previous step's (cacheable)", (id) => (f.prompts[id] ? `${num(f.prompts[id].prefixShare * 100)} %` : '–'), 'prompt-cache prefix share');
  row('4', 'Uncached input tokens per step (what a step adds after that prefix, mean of steps 2–6)', (id) => {
    const m = mean(f.prompts[id]?.uncachedTokensPerStep);
    return m === undefined ? '–' : num(m, 0);
  }, 'uncached tokens per step');
  row('4', `Prompt cost per step, ${COST_MODEL} list price, prefix cache warm (bench/lib/step-cost.ts)`, (id) => describeStepCost(f.prompts[id]), 'prompt cost per step');
  const sizes = [...new Set(Object.values(f.storedThreads).flatMap((points) => points.map((p) => p.threads)))];
  for (const size of sizes) {
    const metric = `resume with ${compact(size)} stored threads`;
    row('5', `Resume with ${compact(size)} stored threads, ms`, (id) => spread(f.storedThreads[id]?.find((p) => p.threads === size)?.resumeMs, '', 2), metric);
  }
  if (sizes.length > 1) {
    const first = sizes[0] ?? 0;
    const last = sizes.at(-1) ?? 0;
    row('5', `Flatness: resume at ${compact(last)} ÷ at ${compact(first)} (1.00 = flat)`, (id) => {
      const points = f.storedThreads[id];
      const a = points?.find((p) => p.threads === first)?.resumeMs.median;
      const b = points?.find((p) => p.threads === last)?.resumeMs.median;
      return a === undefined || b === undefined ? '–' : num(b / a, 2);
    });
  }
  for (const r of f.intake.results) {
    row('6', `Intake ${r.endpoint}, ${r.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (${r.connections} connections)`, (id) =>
      id === HARDWAY
        ? `${num(r.acceptedPerSec, 0)} req/s · p50 ${num(r.p50Ms)} ms · p99 ${num(r.p99Ms)} ms${r.stored >= r.acceptedTotal ? '' : ` · **${r.acceptedTotal - r.stored} accepted but not stored**`}${r.rejected + r.errors > 0 ? ` · ${r.rejected + r.errors} failed` : ''}`
        : 'n/a (no intake)',
    );
  }
  if (f.intake.postgres !== 'ok') row('6', 'Intake on PostgreSQL', (id) => (id === HARDWAY ? `not measured: ${f.intake.postgres}` : 'n/a'));
  const counts = [...new Set(Object.values(f.inFlight).flatMap((points) => points.map((p) => p.threads)))];
  for (const n of counts) {
    const floor = f.inFlight[HARDWAY]?.find((p) => p.threads === n)?.floorMs ?? Number.NaN;
    row('7', `Threads/s with ${n} in flight (ceiling ${num(n / (floor / 1000), 1)}: 6 model calls of ${num(floor / 6, 0)} ms)`, (id) =>
      spread(f.inFlight[id]?.find((p) => p.threads === n)?.threadsPerSec, '', 2), `throughput, ${n} threads in flight`);
  }
  const long = Object.values(f.longThread)[0];
  if (long !== undefined) {
    const at = `(${long.steps}-step thread; steps n−${long.window - 1}…n of every run pooled)`;
    row('8', `Cost of step ${long.early}, ms ${at}`, (id) => spread(f.longThread[id]?.earlyMs, '', 2), undefined);
    row('8', `Cost of step ${long.late}, ms`, (id) => spread(f.longThread[id]?.lateMs, '', 2), `cost of step ${long.late} of a ${long.steps}-step thread`);
    row('8', `Step ${long.late} ÷ step ${long.early} (1.00 = flat; target ≤ 1.2)`, (id) => {
      const growth = f.longThread[id]?.growth;
      return growth === undefined ? '–' : num(growth, 2);
    }, `step ${long.late} ÷ step ${long.early}`);
  }
  for (const p of f.modelBoundary ?? []) {
    row('9', `Model call alone, ${bytes(p.threadBytes)} of thread in the prompt: BAML (Hardway's boundary) vs the same request by fetch, ms`, (id) =>
      id === HARDWAY ? `${spread(p.bamlMs, '', 2)} vs ${spread(p.fetchMs, '', 2)}: +${num(p.bamlMs.median - p.fetchMs.median, 2)}` : '–',
    );
  }
  const ip = f.inspectorPages;
  for (const p of ip?.pages ?? []) {
    const what = p.page === 'thread' ? `Inspector thread page of ${ip?.events ?? 0} events` : `Inspector list page over ${compact(ip?.threads ?? 0)} stored threads`;
    row('10', `${what}: first byte / DOMContentLoaded / load, ms; JS bytes of a first load (target < 100 KB)`, (id) =>
      id === HARDWAY
        ? `${spread(p.ttfbMs, '', 1)} / ${spread(p.domContentLoadedMs, '', 1)} / ${spread(p.loadMs, '', 1)}; ${bytes(p.jsBytes)} JS, ${bytes(p.htmlBytes)} HTML`
        : '–',
    );
  }
  const so = f.scaleOut;
  if (so !== undefined && 'unavailable' in so) row('11', 'Scale-out on PostgreSQL', (id) => (id === HARDWAY ? `not measured: ${so.unavailable}` : '–'));
  else if (so !== undefined) {
    const levels = [...new Set(so.runs.flatMap((r) => r.points.map((p) => p.inFlight)))].join(' / ');
    for (const { processes, best, speedup } of scaleOutSpeedups(so)) {
      const run = so.runs.find((r) => r.processes === processes);
      const c = best.cpuMsPerThread;
      row('11', `Threads/s with ${processes} \`hardway serve\` process${processes === 1 ? '' : 'es'} on one PostgreSQL (fsync on; ${so.modelCalls} model calls of ${so.delayMs} ms and an approval per thread; best of ${levels} in flight)`, (id) =>
        id === HARDWAY
          ? `${num(best.threadsPerSec)} at ${best.inFlight} in flight (**${num(speedup, 2)}×** 1 process) · p50 ${num(best.latencyMs.p50 / 1000, 2)} s · CPU per thread ${num(c.hardway)} ms Hardway + ${num(c.postgres)} ms PostgreSQL (+ ${num(c.bench)} ms load and stub) · ${num(best.coresBusy, 2)} cores busy · ${run?.checked ?? 0} threads checked, ${run?.handedOff ?? 0} resumed by another process`
          : '–',
      );
    }
  }
  lines.push('');
  lines.push('Above 1× Hardway is ahead, below 1× the peer is; medians of the same run, (min–max) over repeats.');
  lines.push('');
  lines.push('How each system persists its state:');
  for (const s of systems) lines.push(`- ${s.name}: ${s.durability}. State counted: ${s.stateDescription}.`);
  lines.push('');
  lines.push('Read with care:');
  for (const caveat of caveats(report)) lines.push(`- ${caveat}`);
  return `${lines.join('\n')}\n`;
}

/** What is not apples to apples, and how the bench keeps it fair; shown under the table. */
function caveats(report: BenchReport): string[] {
  const ids = new Set(report.systems.map((s) => s.id));
  const list = [
    'Same scenario, same stub model (127.0.0.1, answering in each system\'s own wire shape: a JSON step in the content for Hardway/BAML, `tool_calls` for the peers), same tool results, same instructions, the same 10 tools (Hardway: its step union), one process, systems taking turns run by run.',
    'Figure 1 counts everything between the stub\'s answers: parsing, deciding, running the (instant) tools, rendering, persisting. Each system persists its own way and at its own default durability (see above).',
    'Figure 4 counts every request with one tokenizer (gpt-tokenizer, o200k_base): message texts with OpenAI\'s ~3 tokens of framing per message, tool-call names and arguments, and the tool schemas as the JSON that was sent (Hardway: BAML\'s output format, inside its prompt). The prefix share rises with the size of the fixed part of a prompt (a bigger tool schema scores higher), so the uncached-tokens row is the one that prices a step with a warm cache.',
    'Figure 5 seeds each store with copies of one finished thread of its own, inserted straight into its tables (same schema, batched), then resumes paused threads as in figure 3.',
    `Figure 6 is Hardway's HTTP intake (its own process, workers off, autocannon in the bench process, both on loopback); the peers ship no intake. PostgreSQL there is the throwaway test cluster of test/support/postgres.ts, which runs with fsync=off: an upper bound, not a durable-on-disk figure like SQLite's synchronous=FULL.${report.figures.intake.postgres === 'ok' ? '' : ` PostgreSQL was not measured: ${report.figures.intake.postgres}.`}`,
    'Figure 7 is CPU-bound on this machine well before the stub\'s delay is: it measures how much work each system does per step, in one Node process.',
    'Figure 8 plays the scenario as one long thread (a read tool with new arguments and its ~1 KB result per step, no pause) and times each step from the stub\'s answer to the next request reaching it: everything the system does per step, sending a prompt that holds the whole thread included. Each cost pools that step and the few before it over every run, so one GC pause does not decide it.',
  ];
  if ((report.figures.modelBoundary ?? []).length > 0) {
    list.push('Figure 9 calls Hardway\'s model boundary (the BAML function behind createStepModel, its Collector included) and a bare fetch of the very request BAML sends, one local server answering at once: the difference is what BAML itself costs per step, which figures 1, 3 and 8 include and no change in Hardway\'s core removes.');
  }
  if (report.figures.inspectorPages !== undefined) {
    list.push('Figure 10 serves the inspector from the real app on loopback over SQLite (the list\'s threads are copies of one thread, inserted straight into its tables; the thread page\'s events are messages of ~200 characters): first byte by fetch with the session cookie, DOMContentLoaded and load from Chromium\'s navigation timing in a fresh page each load. Hardway alone: the peers ship no inspector.');
  }
  const so = report.figures.scaleOut;
  if (so !== undefined && !('unavailable' in so)) {
    list.push(`Figure 11 runs real \`hardway serve\` processes (HTTP intake, lease workers, the Linear Assistant's BAML function and tools over the embedded workspace, logs at info) on one PostgreSQL with fsync and synchronous commit on, DATABASE_POOL_SIZE=${so.poolSize} each. The bench is the load balancer (every launch and approval to the next process in turn) and holds the in-flight count (a finished thread is replaced at once). Every thread is then checked: its model calls never overlap and number exactly the script's (the stub records which process sent each), its events are the script's, once each, and no lease is left. Load generator, stub model, PostgreSQL and every process share this machine's ${report.machine.cores} cores: "cores busy" says when they are all used, and the CPU per thread is what predicts a bigger machine.`);
  }
  const only = report.settings.only;
  if (Array.isArray(only)) list.push(`Only figures ${only.join(', ')} were run (--only).`);
  if (ids.has('openai-agents')) {
    list.push('The OpenAI Agents SDK writes its session at the end of a run and at the pause (two commits per scenario), not after every step: it does less durable work in figures 1 and 7, and a crash mid-run loses the steps since the run began. Hardway commits each step before the next; LangGraph checkpoints each step (asynchronously, its default).');
  }
  if (ids.size === 1) list.push('Only Hardway ran: no ratios.');
  return list;
}
