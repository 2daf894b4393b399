// The per-thread context budget (issue #11): when the rendered context would outgrow it, the oldest resolved tool
// results collapse to one line each that says how to fetch them again. Code decides which, here; the loop records
// the decision as a `context_compacted` event, so the context renders again from the log alone.
import type { AgentDefinition } from './agent.js';
import { humanInputTypes, type ContextCompacted, type CollapsedResult, type EventOf, type ThreadEvent } from './events.js';
import type { CallId, EventId } from './ids.js';
import type { JsonObject } from './json.js';
import { compactedLines, countTokens, renderCompacted, renderContext, renderOne, utf8Length, type RenderOptions } from './render.js';

export interface ContextBudget {
  /** The rendered context may not grow past this many tokens. */
  maxTokens: number;
  /**
   * What a compaction shrinks it to (default three quarters of `maxTokens`). Each compaction breaks the prefix the
   * provider's prompt cache holds, so one should buy many steps below the budget, not one.
   */
  targetTokens?: number;
}

/** What compaction reads of the agent: how its results render and how each names a way to fetch it again. */
export type BudgetAgent = Pick<AgentDefinition, 'render' | 'collapsedResult' | 'tools'>;

/** Below this many tokens left under the budget, the running estimate is checked by an exact count. */
const ESTIMATE_MARGIN = 0.9;

/**
 * The context's token count step after step, tokenizing only the text added since the last count while the context
 * grows as a prefix. A token may straddle the seam between two counts, so the sum can be off by a token per step;
 * `compactionFor` counts exactly before it decides anything.
 */
export class TokenMeter {
  private counted = '';
  private tokens = 0;

  count(text: string): number {
    if (this.counted !== '' && text.length >= this.counted.length && text.startsWith(this.counted)) {
      this.tokens += countTokens(text.slice(this.counted.length));
    } else {
      this.tokens = countTokens(text);
    }
    this.counted = text;
    return this.tokens;
  }

  /** After an exact count of `text`, the estimate starts from it. */
  set(text: string, tokens: number): void {
    this.counted = text;
    this.tokens = tokens;
  }
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function describeArgs(args: JsonObject): string {
  return Object.entries(args)
    .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/**
 * The line for an agent without its own: a read is named by its call, which may simply be made again; a change is
 * not, since making it again would change something twice.
 */
export function genericCollapsedResult(
  result: EventOf<'tool_succeeded'>,
  decided: EventOf<'step_decided'> | undefined,
  mutates: boolean,
): string {
  const intent = result.data.intent;
  if (mutates) return `${intent}_result collapsed: the ${intent} call succeeded; do not make it again`;
  const args = decided === undefined ? '' : describeArgs(decided.data.args);
  return `${intent}_result collapsed: call ${intent}${args === '' ? '' : ` with ${args}`} to see it again`;
}

/** A collapsed error, in the words the renderer uses for a resolved one. */
function collapsedError(e: EventOf<'tool_failed'>): string {
  return `error running ${e.data.intent} (resolved later): ${e.data.error.kind}`;
}

/** Resolved results before the last human input not collapsed yet, oldest first, with the steps that produced them. */
function candidates(events: readonly ThreadEvent[]): Array<{ event: EventOf<'tool_succeeded' | 'tool_failed'>; decided?: EventOf<'step_decided'> }> {
  const lastHuman = events.findLast((e) => humanInputTypes.has(e.type));
  if (lastHuman === undefined) return [];
  const already = compactedLines(events);
  const decided = new Map<CallId, EventOf<'step_decided'>>();
  // An error is resolved once a later call of the same intent succeeded, wherever that success stands.
  const openErrors = new Map<string, number[]>();
  const resolvedErrors = new Set<number>();
  const found: Array<EventOf<'tool_succeeded' | 'tool_failed'>> = [];
  for (const e of events) {
    if (e.type === 'step_decided') decided.set(e.data.callId, e);
    else if (e.type === 'tool_failed') {
      openErrors.set(e.data.intent, [...(openErrors.get(e.data.intent) ?? []), e.seq]);
      if (e.seq < lastHuman.seq && !already.has(e.seq)) found.push(e);
    } else if (e.type === 'tool_succeeded') {
      for (const seq of openErrors.get(e.data.intent) ?? []) resolvedErrors.add(seq);
      openErrors.delete(e.data.intent);
      if (e.seq < lastHuman.seq && !already.has(e.seq)) found.push(e);
    }
  }
  return found
    .filter((e) => e.type === 'tool_succeeded' || resolvedErrors.has(e.seq))
    .map((event) => {
      const step = decided.get(event.data.callId);
      return step === undefined ? { event } : { event, decided: step };
    });
}

/**
 * Whether `prompt`, the context rendered from `events`, is over the budget, and if so which results collapse: the
 * oldest resolved ones first, until the context is back at the target. Never a result since the last human input
 * (the model is working with those), never an error no later success resolved. Undefined when nothing is to be
 * done, or nothing can be. A cheap bound comes first, so a step far below the budget tokenizes nothing.
 */
export function compactionFor(
  events: readonly ThreadEvent[],
  prompt: string,
  budget: ContextBudget,
  agent: BudgetAgent,
  meter: TokenMeter = new TokenMeter(),
): ContextCompacted | undefined {
  const max = budget.maxTokens;
  // Every token covers at least one byte of UTF-8, and a UTF-16 unit at most three. A prompt has at least as many
  // UTF-8 bytes as UTF-16 units, so one longer than the budget is not walked byte by byte only to learn that.
  if (prompt.length * 3 <= max || (prompt.length <= max && utf8Length(prompt) <= max)) return undefined;
  if (meter.count(prompt) <= max * ESTIMATE_MARGIN) return undefined;
  const tokensBefore = countTokens(prompt);
  meter.set(prompt, tokensBefore);
  if (tokensBefore <= max) return undefined;

  const options: RenderOptions = agent.render ?? {};
  const target = Math.min(budget.targetTokens ?? Math.floor(max * 0.75), max);
  const collapsed: CollapsedResult[] = [];
  let estimate = tokensBefore;
  for (const { event, decided } of candidates(events)) {
    const full = renderOne(event, options, false);
    if (full === null) continue;
    const line = oneLine(
      event.type === 'tool_failed'
        ? collapsedError(event)
        : (agent.collapsedResult?.(event, decided) ?? genericCollapsedResult(event, decided, agent.tools[event.data.intent]?.mutates ?? true)),
    );
    const saving = countTokens(full) - countTokens(renderCompacted(event, options, line) ?? '');
    if (saving <= 0) continue;
    collapsed.push({ seq: event.seq, line });
    estimate -= saving;
    if (estimate <= target) break;
  }
  if (collapsed.length === 0) return undefined;

  const data: Omit<ContextCompacted, 'tokensAfter'> = {
    collapsed,
    reason: `the context reached ${tokensBefore} tokens, over the budget of ${max}`,
    budgetTokens: max,
    tokensBefore,
  };
  const last = events.at(-1);
  // It renders as nothing, so what the context becomes does not depend on its id or time.
  const provisional: EventOf<'context_compacted'> = {
    id: 'evt_provisional' as EventId,
    seq: (last?.seq ?? 0) + 1,
    at: last?.at ?? '',
    type: 'context_compacted',
    data: { ...data, tokensAfter: 0 },
  };
  const tokensAfter = countTokens(renderContext([...events, provisional], options));
  return { ...data, tokensAfter };
}
