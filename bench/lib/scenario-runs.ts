// Figures 1 to 4 come from the same runs: each system plays the whole scenario again and again against the stub
// (answering at once), systems taking turns so that background noise spreads over all of them alike.
//
// One run = start (the email arrives, the thread runs until it pauses for approval, state persisted) + resume (the
// human approves; state is loaded from the store; the thread runs to its final answer). The human's own time
// between the two is not counted.
import { performance } from 'node:perf_hooks';
import { MODEL_STEPS } from '../scenarios/email-triage.js';
import type { BenchStub, ChatBody, StubRecord } from './stub-model.js';
import type { SystemInstance } from './system.js';

export interface RunRecord {
  /** Wall time of start + resume. */
  activeMs: number;
  /** The stub's own time for this run's model calls (its handling; the delay is 0 here). */
  stubMs: number;
  modelCalls: number;
  /** (activeMs − stubMs) / modelCalls. */
  overheadPerStepMs: number;
  /** From the human's answer arriving to the next model request reaching the stub. */
  pauseToResumeMs: number;
  stateBytes: number;
  stateRows: number;
  /** The requests the stub received for this run, kept for the last run only. */
  prompts?: ChatBody[];
}

export interface RunnerEntry {
  id: string;
  instance: SystemInstance;
}

async function runOnce(entry: RunnerEntry, stub: BenchStub, key: string, keepPrompts: boolean): Promise<RunRecord> {
  const mark = stub.records.length;
  stub.recordBodies = keepPrompts;
  const t0 = performance.now();
  await entry.instance.start(key);
  const paused = performance.now();
  const resumeMark = stub.records.length;
  const answered = performance.now();
  await entry.instance.resume(key);
  const done = performance.now();
  stub.recordBodies = false;
  const records: StubRecord[] = stub.records.slice(mark).filter((r) => r.system === entry.id);
  const afterAnswer = stub.records.slice(resumeMark).find((r) => r.system === entry.id);
  if (records.length !== MODEL_STEPS || afterAnswer === undefined) {
    throw new Error(`${entry.id}: expected ${MODEL_STEPS} model calls in a run, the stub saw ${records.length}`);
  }
  const activeMs = paused - t0 + (done - answered);
  const stubMs = records.reduce((sum, r) => sum + r.handledMs + r.delayMs, 0);
  const size = await entry.instance.stateSize(key);
  return {
    activeMs,
    stubMs,
    modelCalls: records.length,
    overheadPerStepMs: (activeMs - stubMs) / records.length,
    pauseToResumeMs: afterAnswer.arrivedAt - answered,
    stateBytes: size.bytes,
    stateRows: size.rows,
    ...(keepPrompts ? { prompts: records.flatMap((r) => (r.body ? [r.body] : [])) } : {}),
  };
}

export async function runScenarios(
  entries: readonly RunnerEntry[],
  stub: BenchStub,
  options: { runs: number; warmup: number; onProgress?: (done: number, total: number) => void },
): Promise<Map<string, RunRecord[]>> {
  const out = new Map<string, RunRecord[]>(entries.map((e) => [e.id, []]));
  stub.delayMs = 0;
  const total = options.warmup + options.runs;
  for (let i = 0; i < total; i++) {
    for (const entry of entries) {
      const measured = i >= options.warmup;
      const record = await runOnce(entry, stub, `run-${i}`, i === total - 1);
      if (measured) out.get(entry.id)?.push(record);
    }
    options.onProgress?.(i + 1, total);
  }
  return out;
}
