// Figure 7: throughput with many threads in flight in one process, the model answering after a fixed delay
// (200 ms: a fast real model). Hardway runs its Worker with concurrency N (claims by lease, the approval
// given through ThreadService as soon as a thread pauses); the peers run N scenario runs with Promise.all. Every
// thread plays the whole scenario, approval included, so each makes 6 model calls.
import { performance } from 'node:perf_hooks';
import { MODEL_STEPS } from '../scenarios/email-triage.js';
import { summarize, type Summary } from './stats.js';
import type { BenchStub } from './stub-model.js';
import type { RunnerEntry } from './scenario-runs.js';

export interface InFlightPoint {
  threads: number;
  /** Scenarios completed per second. */
  threadsPerSec: Summary;
  /** Model calls completed per second. */
  stepsPerSec: Summary;
  wallMs: Summary;
  /** The best possible wall time: every thread's 6 model calls back to back, nothing else. */
  floorMs: number;
}

export async function measureInFlight(
  entries: readonly RunnerEntry[],
  stub: BenchStub,
  options: { counts: readonly number[]; delayMs: number; repeats: (n: number) => number },
): Promise<Map<string, InFlightPoint[]>> {
  const out = new Map<string, InFlightPoint[]>(entries.map((e) => [e.id, []]));
  stub.delayMs = options.delayMs;
  try {
    for (const n of options.counts) {
      const walls = new Map<string, number[]>(entries.map((e) => [e.id, []]));
      for (let r = 0; r < options.repeats(n); r++) {
        for (const entry of entries) {
          const keys = Array.from({ length: n }, (_, i) => `flight-${n}-${r}-${i}`);
          const mark = stub.records.length;
          const t0 = performance.now();
          await entry.instance.runConcurrently(keys);
          walls.get(entry.id)?.push(performance.now() - t0);
          const calls = stub.records.slice(mark).filter((rec) => rec.system === entry.id).length;
          if (calls !== n * MODEL_STEPS) throw new Error(`${entry.id}: ${n} threads made ${calls} model calls, expected ${n * MODEL_STEPS}`);
          stub.clear();
        }
      }
      for (const entry of entries) {
        const w = walls.get(entry.id) ?? [];
        out.get(entry.id)?.push({
          threads: n,
          threadsPerSec: summarize(w.map((ms) => n / (ms / 1000))),
          stepsPerSec: summarize(w.map((ms) => (n * MODEL_STEPS) / (ms / 1000))),
          wallMs: summarize(w),
          floorMs: MODEL_STEPS * options.delayMs,
        });
      }
    }
  } finally {
    stub.delayMs = 0;
  }
  return out;
}
