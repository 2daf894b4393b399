// An eval run in words and as data: a row per case, a column per model (pass/fail, latency, tokens, cost), the
// failed assertions by name, totals per model, and whether each model reached the threshold.
import type { EvalResult } from './run-evals.js';

export interface ModelTotals {
  model: string;
  passed: number;
  total: number;
  /** Model calls made (none offline). */
  calls: number;
  passRate: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** USD over the calls that had a price; null when none had. */
  costUsd: number | null;
  /** Calls whose cost is unknown (no price for the model, or no token counts). */
  unpricedCalls: number;
  latencyMsMedian: number | null;
}

export interface EvalSummary {
  threshold: number;
  models: ModelTotals[];
  /** Models whose pass rate is below the threshold: the run fails when there is any. */
  belowThreshold: string[];
}

const median = (values: readonly number[]): number | null => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? null;

export function summarize(results: readonly EvalResult[], models: readonly string[], threshold: number): EvalSummary {
  const totals = models.map((model): ModelTotals => {
    const mine = results.filter((r) => r.model === model);
    const passed = mine.filter((r) => r.passed).length;
    const costs = mine.flatMap((r) => (r.costUsd === null ? [] : [r.costUsd]));
    const latencies = mine.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs]));
    const sum = (pick: (r: EvalResult) => number | null): number => mine.reduce((n, r) => n + (pick(r) ?? 0), 0);
    return {
      model,
      passed,
      total: mine.length,
      calls: latencies.length,
      passRate: mine.length === 0 ? 0 : passed / mine.length,
      inputTokens: sum((r) => r.inputTokens),
      cachedInputTokens: sum((r) => r.cachedInputTokens),
      outputTokens: sum((r) => r.outputTokens),
      // Rounded like a step's cost, so the sum prints without float noise.
      costUsd: costs.length === 0 ? null : Math.round(costs.reduce((a, b) => a + b, 0) * 1e8) / 1e8,
      unpricedCalls: mine.filter((r) => r.latencyMs !== null && r.costUsd === null).length,
      latencyMsMedian: median(latencies),
    };
  });
  return { threshold, models: totals, belowThreshold: totals.filter((t) => t.passRate < threshold).map((t) => t.model) };
}

const usd = (cost: number | null): string => (cost === null ? '$?' : `$${cost.toFixed(6)}`);

/** One case on one model; over several runs, how many passed, the median latency, and tokens and cost summed. */
function cell(runs: readonly EvalResult[]): string {
  if (runs.length === 0) return '-';
  const passed = runs.filter((r) => r.passed).length;
  const failed = new Map<string, number>();
  for (const f of runs.flatMap((r) => r.failures)) failed.set(f.name, (failed.get(f.name) ?? 0) + 1);
  const names = [...failed].map(([name, n]) => (runs.length === 1 ? name : `${name}×${n}`)).join(', ');
  const verdict = `${runs.length === 1 ? '' : `${passed}/${runs.length} `}${passed === runs.length ? 'pass' : `FAIL ${names}`}`;
  const asked = runs.filter((r) => r.latencyMs !== null);
  if (asked.length === 0) return verdict;
  const sum = (pick: (r: EvalResult) => number | null): string => (asked.some((r) => pick(r) === null) ? '?' : String(asked.reduce((n, r) => n + (pick(r) ?? 0), 0)));
  const cost = asked.some((r) => r.costUsd === null) ? null : asked.reduce((n, r) => n + (r.costUsd ?? 0), 0);
  const latency = median(asked.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs])));
  return `${verdict}  ${latency} ms  ${sum((r) => r.inputTokens)}/${sum((r) => r.cachedInputTokens)}/${sum((r) => r.outputTokens)} tok  ${usd(cost === null ? null : Math.round(cost * 1e8) / 1e8)}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('   ').trimEnd());
}

function totalCell(t: ModelTotals): string {
  const rate = `${t.passed}/${t.total} passed (${(t.passRate * 100).toFixed(1)}%)`;
  if (t.calls === 0) return `${rate}  recorded replies, no model calls`;
  const unpriced = t.unpricedCalls > 0 ? ` (+${t.unpricedCalls} unpriced)` : '';
  const typical = t.latencyMsMedian === null ? '' : `  median ${t.latencyMsMedian} ms`;
  return `${rate}  ${t.inputTokens}/${t.cachedInputTokens}/${t.outputTokens} tok  ${usd(t.costUsd)}${unpriced}${typical}`;
}

export function formatReport(results: readonly EvalResult[], summary: EvalSummary): string {
  const models = summary.models.map((m) => m.model);
  const items = [...new Map(results.map((r) => [r.item, r.kind])).entries()];
  const rows = [
    ['case', 'kind', ...models],
    ...items.map(([item, kind]) => [item, kind, ...models.map((m) => cell(results.filter((r) => r.item === item && r.model === m)))]),
    ['total', '', ...summary.models.map(totalCell)],
  ];
  const failed = results.filter((r) => !r.passed);
  const lines = [
    ...table(rows),
    '(tokens: input/cached/output; cost from the price table, LLM_PRICES over the defaults)',
    ...(failed.length === 0 ? [] : ['', 'failed assertions:', ...failed.flatMap((r) => r.failures.map((f) => `  ${r.item} × ${r.model}: ${f.name}: ${f.detail}`))]),
    '',
    summary.belowThreshold.length === 0
      ? `every model passed at least ${(summary.threshold * 100).toFixed(1)}% of the cases`
      : `below the threshold of ${(summary.threshold * 100).toFixed(1)}%: ${summary.belowThreshold.join(', ')}`,
  ];
  return lines.join('\n');
}
