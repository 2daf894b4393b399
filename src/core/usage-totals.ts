// What a thread's model steps used and cost, step by step and in total, read from the usage each step recorded.
import type { EventId } from './ids.js';
import type { StepUsage, ThreadEvent } from './events.js';

export interface StepUsageLine {
  seq: number;
  eventId: EventId;
  usage: StepUsage;
}

export interface UsageTotals {
  steps: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  /** Null as soon as one step has no cost (a model without a price, or an event recorded before costs were). */
  costUsd: number | null;
}

/** Every model call that answered: steps taken and replies rejected alike, since both were billed. */
export function stepUsages(events: readonly ThreadEvent[]): StepUsageLine[] {
  return events.flatMap((e) =>
    (e.type === 'step_decided' || e.type === 'step_rejected') && e.data.usage !== undefined ? [{ seq: e.seq, eventId: e.id, usage: e.data.usage }] : [],
  );
}

export function usageTotals(lines: readonly StepUsageLine[]): UsageTotals {
  let costUsd: number | null = 0;
  const totals = { steps: lines.length, inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0 };
  for (const { usage } of lines) {
    totals.inputTokens += usage.inputTokens ?? 0;
    totals.cachedInputTokens += usage.cachedInputTokens ?? 0;
    totals.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    totals.outputTokens += usage.outputTokens ?? 0;
    costUsd = costUsd === null || usage.costUsd === undefined || usage.costUsd === null ? null : costUsd + usage.costUsd;
  }
  // Rounded as each step's cost is, so a sum prints without float noise.
  return { ...totals, costUsd: costUsd === null ? null : Math.round(costUsd * 1e8) / 1e8 };
}
