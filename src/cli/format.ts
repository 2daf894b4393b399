// How a thread looks in a terminal: one line per event, with tokens and latency for model steps.
import type { StepUsage, ThreadEvent } from '../core/events.js';
import type { UsageTotals } from '../core/usage-totals.js';
import type { InboundDescriber } from '../app/channel-events.js';

const clip = (text: string, max = 160): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

// To a ten-thousandth of a cent: a step often costs less than one.
const usd = (cost: number): string => `$${cost.toFixed(6)}`;

/** What the provider's cache did and what the step cost; empty for events recorded before either was. */
function cacheAndCost(u: StepUsage): string {
  const parts = [
    ...(u.cachedInputTokens === undefined ? [] : [`${u.cachedInputTokens ?? '?'} cached`]),
    ...(u.cacheWriteTokens === undefined || u.cacheWriteTokens === null ? [] : [`${u.cacheWriteTokens} written`]),
    ...(u.costUsd === undefined ? [] : [u.costUsd === null ? 'cost unknown' : usd(u.costUsd)]),
  ];
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

const usageLine = (u: StepUsage): string => ` [${u.inputTokens ?? '?'}→${u.outputTokens ?? '?'} tokens, ${u.latencyMs} ms]${cacheAndCost(u)}`;

/** The thread's last line in `hardway show`. */
export function describeTotals(t: UsageTotals): string {
  return `tokens: ${t.inputTokens} in, ${t.outputTokens} out, ${t.cachedInputTokens} cached, ${t.cacheWriteTokens} written to cache; ${t.steps} model call${t.steps === 1 ? '' : 's'}, cost ${t.costUsd === null ? 'unknown' : usd(t.costUsd)}`;
}

/** `describers`: by channel, a line for its inbound messages (a channel's own fields, such as an email's subject). */
export function describeEvent(e: ThreadEvent, describers: Readonly<Record<string, InboundDescriber>> = {}): string {
  switch (e.type) {
    case 'message_received': {
      const own = Object.hasOwn(describers, e.data.channel) ? describers[e.data.channel]?.(e, (text) => clip(text)) : undefined;
      return own ?? `message (${e.data.channel}${e.data.from ? `, ${e.data.from}` : ''}): ${clip(e.data.text)}`;
    }
    case 'step_decided': {
      const u = e.data.usage;
      const cost = u ? usageLine(u) : e.data.origin === 'prefetch' ? ' [prefetch]' : '';
      const args = Object.keys(e.data.args).length ? ` ${clip(JSON.stringify(e.data.args), 200)}` : '';
      return `→ ${e.data.intent}${args}${cost}`;
    }
    case 'tool_succeeded':
      return `  ✓ ${e.data.intent}: ${clip(JSON.stringify(e.data.result))}`;
    case 'tool_failed':
      return `  ✗ ${e.data.intent}: ${e.data.error.kind}: ${clip(e.data.error.message)}`;
    case 'step_rejected':
      return `  ✗ unusable model reply: ${clip(e.data.reason)}${e.data.usage ? usageLine(e.data.usage) : ''}`;
    case 'model_failed':
      return `  ✗ model unavailable: ${clip(e.data.reason, 400)}`;
    case 'approval_requested':
      return `⏸ approval needed (${e.data.policy}): ${e.data.summary}`;
    case 'approval_granted':
      return `✓ approved by ${e.data.by}${e.data.comment ? `: ${clip(e.data.comment)}` : ''}`;
    case 'approval_denied':
      return `✗ denied by ${e.data.by}${e.data.reason ? `: ${clip(e.data.reason)}` : ''}`;
    case 'human_replied':
      return `reply${e.data.from ? ` from ${e.data.from}` : ''}: ${clip(e.data.message)}`;
    case 'message_sent':
      return `  sent via ${e.data.channel} to ${e.data.to.join(', ')}`;
    case 'escalated':
      return `⚠ escalated to a human (${e.data.guard}): ${e.data.reason}`;
    case 'thread_failed':
      return `✗ failed: ${e.data.reason}`;
    case 'retry_requested':
      return `↻ retry requested by ${e.data.by} (${e.data.channel})`;
    case 'thread_stopped':
      return `■ stopped by ${e.data.by} (${e.data.channel})`;
    case 'context_compacted':
      return `⇣ context compacted: ${e.data.collapsed.length} old result(s) collapsed (seq ${e.data.collapsed.map((c) => c.seq).join(', ')}), ${e.data.tokensBefore}→${e.data.tokensAfter} tokens, budget ${e.data.budgetTokens}`;
    default: {
      const unreachable: never = e;
      return JSON.stringify(unreachable);
    }
  }
}

/** The text a human should read for the question or answer the thread is paused on. */
export function humanText(e: ThreadEvent): string | undefined {
  if (e.type === 'step_decided') {
    const message = e.data.args.message;
    return typeof message === 'string' ? message : undefined;
  }
  if (e.type === 'approval_requested') return e.data.summary;
  if (e.type === 'escalated') return `I stopped and need a human: ${e.data.reason}`;
  if (e.type === 'model_failed' || e.type === 'thread_failed') return e.data.reason;
  return undefined;
}
