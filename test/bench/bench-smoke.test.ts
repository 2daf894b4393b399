// The benchmark at tiny sizes, so it cannot rot: every figure is measured and has the right shape. No timing is
// asserted (the machine is shared). The peers run only when bench/peers/node_modules exists (`npm run bench`
// installs it); otherwise Hardway runs alone and the skip is logged.
import { describe, expect, it } from 'vitest';
import { quickOptions, runBench } from '../../bench/lib/bench.js';
import { peerModules, peersInstalled } from '../../bench/lib/peers.js';
import { HARDWAY, renderMarkdown } from '../../bench/lib/report.js';
import { MODEL_STEPS } from '../../bench/scenarios/email-triage.js';
import { postgresAvailable } from '../support/postgres.js';

const positive = (n: number | undefined) => expect(Number.isFinite(n) && (n ?? 0) > 0, `${n} is a positive number`).toBe(true);

describe('npm run bench, at tiny sizes', () => {
  it('measures every figure, for Hardway and for each installed peer', { timeout: 300_000 }, async () => {
    const withPeers = peersInstalled();
    if (!withPeers) console.warn('bench smoke: SKIPPING the peers (bench/peers/node_modules is missing; `npm run bench` installs it)');
    const report = await runBench({ ...quickOptions, command: 'vitest run test/bench', peers: 'auto', log: () => undefined });

    const ids = report.systems.map((s) => s.id);
    expect(ids).toEqual(withPeers ? [HARDWAY, ...peerModules] : [HARDWAY]);
    expect(report.skipped).toHaveLength(withPeers ? 0 : 1);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.cpuModel).not.toBe('');

    const f = report.figures;
    for (const id of ids) {
      positive(f.overheadPerStepMs[id]?.median);
      expect(f.overheadPerStepMs[id]?.n).toBe(quickOptions.runs);
      positive(f.stateBytesTotal[id]?.median);
      positive(f.stateBytesPerStep[id]?.median);
      positive(f.stateRows[id]);
      positive(f.pauseToResumeMs[id]?.median);
      const prompts = f.prompts[id];
      expect(prompts?.tokensPerStep).toHaveLength(MODEL_STEPS);
      for (const t of prompts?.tokensPerStep ?? []) positive(t);
      expect(prompts?.prefixSharePerStep).toHaveLength(MODEL_STEPS - 1);
      expect(prompts?.prefixShare).toBeGreaterThan(0);
      expect(prompts?.prefixShare).toBeLessThanOrEqual(1);
      expect(f.storedThreads[id]?.map((p) => p.threads)).toEqual(quickOptions.storedSizes);
      for (const point of f.storedThreads[id] ?? []) positive(point.resumeMs.median);
      expect(f.inFlight[id]?.map((p) => p.threads)).toEqual(quickOptions.inFlight.counts);
      for (const point of f.inFlight[id] ?? []) positive(point.threadsPerSec.median);
      const long = f.longThread[id];
      expect(long?.steps).toBe(quickOptions.longThread.steps);
      expect(long?.perStepMs).toHaveLength(quickOptions.longThread.steps - 1);
      positive(long?.earlyMs.median);
      positive(long?.lateMs.median);
      positive(long?.growth);
    }

    const stores = f.intake.postgres === 'ok' ? ['sqlite', 'postgres'] : ['sqlite'];
    expect(f.intake.results.map((r) => `${r.store} ${r.endpoint}`)).toEqual(
      stores.flatMap((s) => [`${s} POST /v1/threads`, `${s} POST /webhooks/email/raw`]),
    );
    for (const r of f.intake.results) {
      positive(r.accepted);
      expect(r.rejected + r.errors).toBe(0);
      // Durable: every accepted request is a stored thread.
      expect(r.stored).toBeGreaterThanOrEqual(r.acceptedTotal);
      positive(r.p99Ms);
    }

    const peers = ids.filter((id) => id !== HARDWAY);
    for (const peer of peers) expect(report.ratios.filter((r) => r.peer === peer).length).toBeGreaterThanOrEqual(12);
    for (const r of report.ratios) positive(r.advantage);

    const table = renderMarkdown(report);
    expect(table).toContain('| 1 | Overhead per step');
    expect(table).toContain(`| 8 | Step ${quickOptions.longThread.steps} ÷ step ${quickOptions.longThread.early}`);
    expect(table).toContain(report.machine.cpuModel);
    // Figure 9, Hardway's alone: one point per thread size, both ways timed.
    expect(f.modelBoundary?.map((p) => p.bamlMs.n)).toEqual(quickOptions.modelBoundary.results.map(() => quickOptions.modelBoundary.calls));
    for (const p of f.modelBoundary ?? []) {
      positive(p.bamlMs.median);
      positive(p.fetchMs.median);
    }
    expect(f.modelBoundary?.[1]?.threadBytes).toBeGreaterThan(f.modelBoundary?.[0]?.threadBytes ?? Infinity);
    expect(table).toContain('| 9 | Model call alone');
    // Figure 11: real `hardway serve` processes on a durable PostgreSQL, every thread checked one process at a time.
    const so = f.scaleOut;
    if (postgresAvailable()) {
      if (so === undefined || 'unavailable' in so) throw new Error(`figure 11 did not run: ${JSON.stringify(so)}`);
      expect(so.runs.map((r) => r.processes)).toEqual(quickOptions.scaleOut.processes);
      for (const run of so.runs) {
        expect(run.points.map((p) => p.inFlight)).toEqual(quickOptions.scaleOut.inFlight);
        for (const p of run.points) {
          positive(p.threadsPerSec);
          positive(p.cpuMsPerThread.hardway);
          positive(p.cpuMsPerThread.postgres);
        }
        expect(run.checked).toBeGreaterThanOrEqual(run.points.reduce((n, p) => n + p.completed, 0));
      }
      expect(table).toContain('| 11 | Threads/s with 2 `hardway serve` processes');
    } else {
      console.warn('bench smoke: SKIPPING figure 11 (PostgreSQL server binaries not found)');
      expect(so).toEqual({ unavailable: expect.stringContaining('PostgreSQL') });
    }
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
