// The context window (factor 3/7): each event as an `<event_type>` tag with a YAML body, joined by blank lines.
// Rendering is deterministic and append-only, so the prompt for step n is a byte prefix of step n+1's and
// provider prompt caches keep hitting; see `collapseResolvedErrors` for the one deliberate exception.
import { stringify } from 'yaml';
import { decode, encode } from 'gpt-tokenizer';
import { humanInputTypes, type AttachmentMeta, type EventOf, type EventType, type HumanReplied, type ThreadEvent } from './events.js';
import type { Json } from './json.js';
import { emitYaml } from './yaml.js';

export interface RenderedEvent {
  tag: string;
  body: string;
}

/** Return a tag and body to replace the default rendering, or `null` to leave the event out of the context. */
export type EventRenderer<T extends EventType = EventType> = (
  event: Extract<ThreadEvent, { type: T }>,
) => RenderedEvent | null;

export type RenderOverrides = { [T in EventType]?: EventRenderer<T> };

/**
 * How one channel's inbound messages render, in place of the default From/Channel/Text: `null` leaves one out,
 * `undefined` keeps the default (a message the channel does not recognize as its own).
 */
export type InboundRenderer = (event: EventOf<'message_received'>) => RenderedEvent | null | undefined;

export interface RenderOptions {
  overrides?: RenderOverrides;
  /** By channel name: what each channel contributes (the composition root collects them); an override still wins. */
  inbound?: Readonly<Record<string, InboundRenderer>>;
  /** Tag for a tool's result, by intent (default `<intent>_result`). */
  resultTags?: Record<string, string>;
  /** A tool result or error body longer than this many tokens is cut, with a visible marker. */
  maxResultTokens?: number;
  /**
   * Errors that a later success of the same intent resolved shrink to one line — but only once a human has
   * spoken after that success. Within a run of steps the context stays a strict prefix (caches stay warm);
   * a human reply usually comes after the provider's cache has expired anyway.
   */
  collapseResolvedErrors?: boolean;
}

export interface RenderedPart {
  seq: number;
  type: EventType;
  text: string;
  tokens: number;
}

export interface RenderedContext {
  text: string;
  tokens: number;
  parts: RenderedPart[];
}

const INDENT = '    ';
const DEFAULT_MAX_RESULT_TOKENS = 2_000;

export function toYaml(value: Json | Record<string, unknown>): string {
  return emitYaml(value) ?? stringify(value, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }).trimEnd();
}

export function countTokens(text: string): number {
  return encode(text).length;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : INDENT + line))
    .join('\n');
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function truncate(body: string, maxTokens: number): string {
  // Every token covers at least one byte of UTF-8, so a body of no more bytes than the bound fits without counting.
  if (body.length <= maxTokens && utf8Length(body) <= maxTokens) return body;
  const tokens = encode(body);
  if (tokens.length <= maxTokens) return body;
  const kept = decode(tokens.slice(0, maxTokens));
  return `${kept}\n… [truncated: ${tokens.length - maxTokens} of ${tokens.length} tokens omitted]`;
}

/** Field lines as in the seed (`From: …`); continuation lines of a multi-line value are indented. */
export function fields(entries: Array<[string, string]>): string {
  return entries.map(([k, v]) => `${k}:${v.startsWith('\n') ? '' : ' '}${v.split('\n').join(`\n${INDENT}`)}`).join('\n');
}

export function describeAttachment(a: AttachmentMeta): string {
  return `${a.filename} (${a.contentType}, ${a.size} bytes)`;
}

function renderReply(data: HumanReplied): string {
  const attachments = data.attachments ?? [];
  if (attachments.length === 0) return toYaml({ message: data.message });
  const files = attachments.map((a) => ({ file: describeAttachment(a), ...(a.text !== undefined ? { text: a.text } : {}) }));
  return toYaml({ message: data.message, attachments: files });
}

/** Which tool errors were resolved by a later success of the same intent, before the last human input. */
function collapsibleErrors(events: readonly ThreadEvent[]): Set<number> {
  const lastHuman = events.findLast((e) => humanInputTypes.has(e.type));
  const collapsible = new Set<number>();
  if (lastHuman === undefined) return collapsible;
  const open = new Map<string, number[]>();
  for (const e of events) {
    if (e.seq > lastHuman.seq) break;
    if (e.type === 'tool_failed') open.set(e.data.intent, [...(open.get(e.data.intent) ?? []), e.seq]);
    if (e.type === 'tool_succeeded') {
      for (const seq of open.get(e.data.intent) ?? []) collapsible.add(seq);
      open.delete(e.data.intent);
    }
  }
  return collapsible;
}

function defaultRender(event: ThreadEvent, options: RenderOptions, collapsed: boolean): RenderedEvent | null {
  const maxTokens = options.maxResultTokens ?? DEFAULT_MAX_RESULT_TOKENS;
  switch (event.type) {
    case 'message_received': {
      // Own keys only: a channel named like an Object method must not find one.
      const inbound = options.inbound && Object.hasOwn(options.inbound, event.data.channel) ? options.inbound[event.data.channel] : undefined;
      const rendered = inbound?.(event);
      if (rendered !== undefined) return rendered;
      return {
        tag: event.type,
        body: fields([
          ['From', event.data.from ?? 'unknown'],
          ['Channel', event.data.channel],
          ['Text', event.data.text],
        ]),
      };
    }
    case 'step_decided':
      return { tag: event.data.intent, body: toYaml({ intent: event.data.intent, ...event.data.args }) };
    case 'tool_succeeded': {
      const tag = options.resultTags?.[event.data.intent] ?? `${event.data.intent}_result`;
      return { tag, body: truncate(toYaml(event.data.result), maxTokens) };
    }
    case 'tool_failed':
      return {
        tag: 'error',
        body: collapsed
          ? `error running ${event.data.intent} (resolved later): ${event.data.error.kind}`
          : truncate(`error running ${event.data.intent}: ${event.data.error.message}`, maxTokens),
      };
    case 'step_rejected':
      return { tag: 'error', body: `your last reply was not a valid next step: ${event.data.reason}` };
    case 'approval_requested':
      return { tag: event.type, body: toYaml({ operation: event.data.summary, policy: event.data.policy }) };
    case 'approval_granted':
      return { tag: event.type, body: toYaml({ by: event.data.by, ...(event.data.comment ? { comment: event.data.comment } : {}) }) };
    case 'approval_denied':
      return { tag: event.type, body: toYaml({ by: event.data.by, reason: event.data.reason ?? 'no reason given' }) };
    case 'human_replied':
      return { tag: 'human_response', body: renderReply(event.data) };
    case 'escalated':
      return { tag: event.type, body: toYaml({ reason: event.data.reason }) };
    case 'retry_requested':
      return { tag: event.type, body: toYaml({ by: event.data.by, message: 'try again' }) };
    case 'model_failed':
    case 'message_sent':
    case 'thread_failed':
    // What it collapsed shows in place of each result (see `renderCompacted`); the event itself says nothing more.
    case 'context_compacted':
      return null;
    default: {
      const unreachable: never = event;
      throw new Error(`no renderer for ${JSON.stringify(unreachable)}`);
    }
  }
}

/** One event as its tag, or null when it stays out of the context; `ContextBuilder` renders with it too. */
export function renderOne(event: ThreadEvent, options: RenderOptions, collapsed: boolean): string | null {
  const override = options.overrides?.[event.type] as EventRenderer | undefined;
  const rendered = override ? override(event) : defaultRender(event, options, collapsed);
  if (rendered === null) return null;
  return `<${rendered.tag}>\n${indent(rendered.body)}\n</${rendered.tag}>`;
}

/**
 * A result a `context_compacted` event collapsed: under its own tag, the one line that event recorded. It wins
 * over any override, and over the collapse of resolved errors, so the line is what the log says it is.
 */
export function renderCompacted(event: ThreadEvent, options: RenderOptions, line: string): string | null {
  if (event.type === 'tool_succeeded') {
    const tag = options.resultTags?.[event.data.intent] ?? `${event.data.intent}_result`;
    return `<${tag}>\n${INDENT}${line}\n</${tag}>`;
  }
  if (event.type === 'tool_failed') return `<error>\n${INDENT}${line}\n</error>`;
  // Only results collapse: a seq naming anything else (a hand-edited log) leaves that event as it was.
  return renderOne(event, options, false);
}

/** Each result a `context_compacted` event collapsed, by seq, with its line; it can only collapse what came before it. */
export function compactedLines(events: readonly ThreadEvent[]): Map<number, string> {
  const lines = new Map<number, string>();
  for (const e of events) {
    if (e.type === 'context_compacted') for (const c of e.data.collapsed) if (c.seq < e.seq) lines.set(c.seq, c.line);
  }
  return lines;
}

function renderParts(events: readonly ThreadEvent[], options: RenderOptions): Array<Omit<RenderedPart, 'tokens'>> {
  const collapsed = options.collapseResolvedErrors === false ? new Set<number>() : collapsibleErrors(events);
  const compacted = compactedLines(events);
  return events.flatMap((event) => {
    const line = compacted.get(event.seq);
    const full = renderOne(event, options, collapsed.has(event.seq));
    // A result the context left out stays out, collapsed or not.
    const text = line === undefined || full === null ? full : renderCompacted(event, options, line);
    return text === null ? [] : [{ seq: event.seq, type: event.type, text }];
  });
}

/** The context text alone: what the loop sends each step, without the cost of counting tokens. */
export function renderContext(events: readonly ThreadEvent[], options: RenderOptions = {}): string {
  return renderParts(events, options)
    .map((p) => p.text)
    .join('\n\n');
}

/** The context with token counts per event and in total, for inspection and budgets. */
export function renderThread(events: readonly ThreadEvent[], options: RenderOptions = {}): RenderedContext {
  const parts = renderParts(events, options).map((p) => ({ ...p, tokens: countTokens(p.text) }));
  const text = parts.map((p) => p.text).join('\n\n');
  return { text, tokens: countTokens(text), parts };
}
