// Figure 8: does a step cost more as the thread grows? Each system plays the scenario extended to a thread of
// `steps` model steps (a read tool and its ~1 KB result per step, then the final answer), systems taking turns.
//
// The cost of step n is the system's own time between the stub's answer to model call n−1 and model call n
// reaching the stub: parsing the answer, deciding, running the (instant) tool, persisting, rendering and sending
// the next request. The stub's own time is not in it.
import { summarize, type Summary } from './stats.js';
import type { BenchStub, StubRecord } from './stub-model.js';
import type { RunnerEntry } from './scenario-runs.js';

export interface LongThreadOptions {
  /** Model steps in the thread; the late step measured is the last one. */
  steps: number;
  /** The early step measured. */
  early: number;
  /** Each step's cost is pooled with the `window − 1` steps before it, over every run. */
  window: number;
  runs: number;
  warmup: number;
}

export interface LongThreadPoint {
  steps: number;
  early: number;
  late: number;
  window: number;
  /** Cost of the early step (with the window before it), ms. */
  earlyMs: Summary;
  /** Cost of the last step (with the window before it), ms. */
  lateMs: Summary;
  /** lateMs.median ÷ earlyMs.median: 1.00 means a step costs the same however long the thread. */
  growth: number;
  /** Median cost of steps 2 … steps over the runs, ms, for plotting. */
  perStepMs: number[];
}

/** The gaps before model calls 2 … n of one run, from the stub's records of it. */
function stepCosts(records: readonly StubRecord[]): number[] {
  const costs: number[] = [];
  for (let i = 1; i < records.length; i++) {
    const before = records[i - 1];
    const call = records[i];
    if (before !== undefined && call !== undefined) costs.push(call.arrivedAt - (before.arrivedAt + before.handledMs + before.delayMs));
  }
  return costs;
}

export async function measureLongThread(
  entries: readonly RunnerEntry[],
  stub: BenchStub,
  options: LongThreadOptions,
): Promise<Map<string, LongThreadPoint>> {
  if (options.early < options.window + 1 || options.steps <= options.early) {
    throw new Error(`figure 8: need window < early < steps (got window ${options.window}, early ${options.early}, steps ${options.steps})`);
  }
  stub.delayMs = 0;
  const runs = new Map<string, number[][]>(entries.map((e) => [e.id, []]));
  for (let i = 0; i < options.warmup + options.runs; i++) {
    for (const entry of entries) {
      const mark = stub.records.length;
      await entry.instance.runLong(`long-${i}`, options.steps);
      const records = stub.records.slice(mark).filter((r) => r.system === entry.id);
      if (records.length !== options.steps) {
        throw new Error(`${entry.id}: expected ${options.steps} model calls in the long thread, the stub saw ${records.length}`);
      }
      if (i >= options.warmup) runs.get(entry.id)?.push(stepCosts(records));
    }
  }
  const out = new Map<string, LongThreadPoint>();
  for (const [id, costs] of runs) {
    // costs[r][k] is the cost of step k + 2.
    const around = (step: number): number[] => costs.flatMap((run) => run.slice(step - 1 - options.window, step - 1));
    const earlyMs = summarize(around(options.early));
    const lateMs = summarize(around(options.steps));
    const perStepMs = Array.from({ length: options.steps - 1 }, (_, k) => summarize(costs.map((run) => run[k] ?? Number.NaN)).median);
    out.set(id, { steps: options.steps, early: options.early, late: options.steps, window: options.window, earlyMs, lateMs, growth: lateMs.median / earlyMs.median, perStepMs });
  }
  return out;
}
