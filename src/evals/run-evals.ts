// Runs every eval item against every model, a bounded number at a time. A live model is asked through the agent's
// own step model and its reply read by the agent's step parser, as in a thread; offline, the recorded reply goes
// through BAML's parser and the same step parser. Either way the item's assertions decide.
import type { StepModel, StepParse } from '../core/agent.js';
import type { StepUsage } from '../core/events.js';
import type { LlmConfig } from '../llm/config.js';
import type { AssertionFailure } from './assertions.js';
import { mapBounded } from './bounded.js';
import type { EvalItem } from './eval-items.js';

export type EvalTarget = { kind: 'offline'; label: string } | { kind: 'model'; label: string; llm: LlmConfig };

export interface EvalResult {
  item: string;
  kind: EvalItem['kind'];
  model: string;
  passed: boolean;
  failures: AssertionFailure[];
  /** The intent the model chose, when it produced a step. */
  intent: string | null;
  latencyMs: number | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

export interface RunOptions {
  concurrency: number;
  /** Each item asked of each model this many times (a model's answers vary); offline runs once. Default 1. */
  runs?: number;
  signal?: AbortSignal;
}

const noUsage = { latencyMs: null, inputTokens: null, cachedInputTokens: null, outputTokens: null, costUsd: null };

function usageOf(u: StepUsage): Pick<EvalResult, 'latencyMs' | 'inputTokens' | 'cachedInputTokens' | 'outputTokens' | 'costUsd'> {
  return { latencyMs: u.latencyMs, inputTokens: u.inputTokens, cachedInputTokens: u.cachedInputTokens ?? null, outputTokens: u.outputTokens, costUsd: u.costUsd ?? null };
}

function judged(item: EvalItem, model: string, parsed: StepParse, usage: typeof noUsage | ReturnType<typeof usageOf>): EvalResult {
  const failures = parsed.ok ? item.check(parsed.step) : [{ name: 'parse', detail: parsed.reason }];
  return { item: item.name, kind: item.kind, model, passed: failures.length === 0, failures, intent: parsed.ok ? parsed.step.intent : null, ...usage };
}

function offline(item: EvalItem, label: string): EvalResult {
  const evals = item.agent.evals;
  if (evals === undefined) return judged(item, label, { ok: false, reason: `agent ${item.agent.name} has no parser for recorded replies` }, noUsage);
  let value: unknown;
  try {
    value = evals.parseRecorded(item.recorded);
  } catch (error) {
    return judged(item, label, { ok: false, reason: `the recorded reply does not parse: ${error instanceof Error ? error.message : String(error)}` }, noUsage);
  }
  return judged(item, label, item.agent.definition.parseStep(value), noUsage);
}

async function live(item: EvalItem, label: string, model: StepModel, signal: AbortSignal): Promise<EvalResult> {
  const outcome = await model(item.context, signal);
  switch (outcome.kind) {
    case 'step':
      return judged(item, label, item.agent.definition.parseStep(outcome.value), usageOf(outcome.usage));
    case 'invalid':
      return judged(item, label, { ok: false, reason: outcome.reason }, usageOf(outcome.usage));
    case 'unavailable':
      return { ...judged(item, label, { ok: false, reason: outcome.reason }, noUsage), failures: [{ name: 'model', detail: outcome.reason }] };
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Results item by item, and within an item target by target (each repeated `runs` times), in the order given. */
export async function runEvals(items: readonly EvalItem[], targets: readonly EvalTarget[], options: RunOptions): Promise<EvalResult[]> {
  const signal = options.signal ?? new AbortController().signal;
  // One step model per agent and target, reused across items like a worker reuses its agent's.
  const models = new Map<string, StepModel>();
  const modelFor = (item: EvalItem, target: Extract<EvalTarget, { kind: 'model' }>, index: number): StepModel => {
    const key = `${index}\u0000${item.agent.name}`;
    const existing = models.get(key);
    if (existing !== undefined) return existing;
    const made = item.agent.model(target.llm);
    models.set(key, made);
    return made;
  };
  const repeat = (target: EvalTarget): number => (target.kind === 'offline' ? 1 : Math.max(1, options.runs ?? 1));
  const runs = items.flatMap((item) => targets.flatMap((target, index) => Array.from({ length: repeat(target) }, () => ({ item, target, index }))));
  return mapBounded(runs, options.concurrency, async ({ item, target, index }) => {
    switch (target.kind) {
      case 'offline':
        return offline(item, target.label);
      case 'model':
        return live(item, target.label, modelFor(item, target, index), signal);
      default: {
        const unreachable: never = target;
        throw new Error(`unknown target ${JSON.stringify(unreachable)}`);
      }
    }
  });
}
