// Figure 5: does resuming a thread stay flat as the store fills up? Each system's store is filled with copies of
// one finished thread of its own (the one-step seed email), written straight into its tables in batched
// inserts on its own schema, up to each size in turn; then paused threads are resumed and timed from the human's
// answer to the next model request, as in figure 3.
import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats.js';
import type { BenchStub } from './stub-model.js';
import type { RunnerEntry } from './scenario-runs.js';

export interface StoredThreadsPoint {
  threads: number;
  resumeMs: Summary;
  seedMs: number;
}

export async function measureStoredThreads(
  entry: RunnerEntry,
  stub: BenchStub,
  options: { sizes: readonly number[]; resumes: number; warmup: number; settle: number },
): Promise<StoredThreadsPoint[]> {
  stub.delayMs = 0;
  const template = 'seed-template';
  await entry.instance.startSeed(template);
  let stored = 1;
  const unmeasured = async (key: string): Promise<void> => {
    await entry.instance.start(key);
    await entry.instance.resume(key);
    stored++;
  };
  // Unmeasured resumes first, so the smallest size does not pay for warming up the JIT.
  for (let w = 0; w < options.warmup; w++) await unmeasured(`warmup-${w}`);
  const points: StoredThreadsPoint[] = [];
  for (const size of options.sizes) {
    const t0 = performance.now();
    if (size > stored) await entry.instance.seedCopies(template, size - stored, stored);
    const seedMs = performance.now() - t0;
    stored = Math.max(stored, size);
    // The bulk insert leaves work behind (a WAL checkpoint, dirty pages): it must not land in the first samples.
    for (let w = 0; w < options.settle; w++) await unmeasured(`settle-${size}-${w}`);
    const samples: number[] = [];
    for (let r = 0; r < options.resumes; r++) {
      const key = `probe-${size}-${r}`;
      await entry.instance.start(key);
      stored++;
      const mark = stub.records.length;
      const answered = performance.now();
      await entry.instance.resume(key);
      const next = stub.records.slice(mark).find((rec) => rec.system === entry.id);
      if (next === undefined) throw new Error(`${entry.id}: no model request after the resume`);
      samples.push(next.arrivedAt - answered);
    }
    points.push({ threads: size, resumeMs: summarize(samples), seedMs });
  }
  return points;
}
