// `hardway eval`: the exported cases and the BAML prompt tests against each model (or offline), a report on stdout,
// the results as JSON under evals/results/, and an exit code for CI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agents } from '../app/agents.js';
import { channelUpcasters } from '../app/channel-events.js';
import { channels } from '../app/channels.js';
import type { AppConfig } from '../app/config.js';
import { randomIds, systemClock } from '../core/ids.js';
import { evalAgents } from '../evals/eval-agents.js';
import { caseItem, promptTestItems, readCases } from '../evals/eval-items.js';
import { formatReport, summarize } from '../evals/report.js';
import { runEvals } from '../evals/run-evals.js';
import { evalTargets, type TargetFlags } from '../evals/targets.js';

export interface EvalFlags extends TargetFlags {
  cases: string;
  concurrency: string;
  runs: string;
  threshold: string;
  results: string;
  promptTests: boolean;
}

/** 0 when every model reached the threshold, 1 when one did not. */
export async function evalCommand(config: AppConfig, flags: EvalFlags): Promise<number> {
  const concurrency = Number(flags.concurrency);
  const threshold = Number(flags.threshold);
  const runs = Number(flags.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number ≥ 1 (got "${flags.runs}")`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency takes a whole number ≥ 1 (got "${flags.concurrency}")`);
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`--threshold takes a pass rate from 0 to 1 (got "${flags.threshold}")`);
  const targets = evalTargets(flags, config.env, config.llm);
  const registry = evalAgents(config, agents, channels, { clock: systemClock, ids: randomIds });
  const upcasters = channelUpcasters(channels);
  const items = [...readCases(flags.cases).map((c) => caseItem(c, registry, upcasters)), ...(flags.promptTests ? promptTestItems(registry) : [])];
  if (items.length === 0) throw new Error(`nothing to run: no cases in ${flags.cases} and no prompt tests`);
  const startedAt = systemClock.now();
  const results = await runEvals(items, targets, { concurrency, runs });
  const summary = summarize(results, targets.map((t) => t.label), threshold);
  console.log(formatReport(results, summary));
  mkdirSync(flags.results, { recursive: true });
  const file = join(flags.results, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const models = targets.map((t) => (t.kind === 'offline' ? { label: t.label, offline: true } : { label: t.label, provider: t.llm.provider, model: t.llm.model }));
  writeFileSync(file, `${JSON.stringify({ startedAt: startedAt.toISOString(), cases: flags.cases, runs, models, results, summary }, null, 2)}\n`);
  console.log(`results: ${file}`);
  return summary.belowThreshold.length === 0 ? 0 : 1;
}
