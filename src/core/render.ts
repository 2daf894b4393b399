// The context window (factor 3/7): each event as an `<event_type>` tag with a YAML body, joined by blank lines.
// Rendering is deterministic and append-only, so the prompt for step n is a byte prefix of step n+1's and
// provider prompt caches keep hitting; see `collapseResolvedErrors` for the one deliberate exception.
import { stringify } from 'yaml';
import { decode, encode } from 'gpt-tokenizer';
import { humanInputTypes, type AttachmentMeta, type EventOf, type EventType, type HumanReplied, type ThreadEvent } from './events.js';
import type { Json, JsonObject } from './json.js';
import { emitLeanYaml, emitYaml } from './yaml.js';

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
export type InboundRenderer = (event: EventOf<'message_received'>, profile: RenderProfile) => RenderedEvent | null | undefined;

/**
 * `seed`: the seed's format exactly (double-quoted YAML, every field of a result, the approval spelled out).
 * `lean` (the default): the same tags and layout, but YAML quotes only where it must, a step's tag is not repeated
 * as an `intent:` line, results go through the agent's `results` views, and an approval request names its step.
 */
export type RenderProfile = 'seed' | 'lean';

/**
 * What of a tool's result reaches the model (the stored event keeps all of it). Given the step's arguments, so a
 * capped list can say how to ask for the next page.
 */
export type ResultView = (result: Json, args: JsonObject) => Json;

/** The short names a result gives ids (a team's key for its UUID): the ids a later step repeats render as these. */
export type IdAliases = (result: Json) => ReadonlyArray<readonly [id: string, alias: string]>;

export interface RenderOptions {
  profile?: RenderProfile;
  /** Lean profile only: each intent's view of its results, declared by the agent; an intent without one renders whole. */
  results?: Readonly<Record<string, ResultView>>;
  /**
   * Lean profile only, by intent: aliases its results define. A step's argument that is an id an earlier result
   * gave an alias renders as the alias, which the agent's tools must accept in its place (the event keeps the id).
   */
  aliases?: Readonly<Record<string, IdAliases>>;
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

export function toYaml(value: Json | Record<string, unknown>, profile: RenderProfile = 'seed'): string {
  const fast = profile === 'lean' ? emitLeanYaml(value) : emitYaml(value);
  return fast ?? stringify(value, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }).trimEnd();
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

function renderReply(data: HumanReplied, profile: RenderProfile): string {
  const attachments = data.attachments ?? [];
  if (attachments.length === 0) return toYaml({ message: data.message }, profile);
  const files = attachments.map((a) => ({ file: describeAttachment(a), ...(a.text !== undefined ? { text: a.text } : {}) }));
  return toYaml({ message: data.message, attachments: files }, profile);
}

function ownEntry<V>(table: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  // Own keys only: an intent or channel named like an Object method must not find one.
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

function resultBody(event: EventOf<'tool_succeeded'>, args: JsonObject | undefined, options: RenderOptions, profile: RenderProfile): string {
  if (profile === 'seed') return toYaml(event.data.result, profile);
  const view = ownEntry(options.results, event.data.intent);
  return toYaml(view === undefined ? event.data.result : view(event.data.result, args ?? {}), profile);
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

/**
 * What rendering one event may need of the events before it: a result's view reads its step's arguments, a step
 * repeats ids under the aliases earlier results gave them. Fed every event in order, before each renders.
 */
export class RenderMemory {
  private readonly args = new Map<string, JsonObject>();
  private readonly names = new Map<string, string>();

  constructor(private readonly options: RenderOptions) {}

  note(event: ThreadEvent): void {
    if (event.type === 'step_decided') this.args.set(event.data.callId, event.data.args);
    if (event.type === 'tool_succeeded' && (this.options.profile ?? 'lean') === 'lean') {
      const aliases = ownEntry(this.options.aliases, event.data.intent);
      // The first alias an id gets stays: a later result must not change how earlier text would render.
      for (const [id, alias] of aliases?.(event.data.result) ?? []) if (!this.names.has(id)) this.names.set(id, alias);
    }
  }

  argsOf(callId: string): JsonObject | undefined {
    return this.args.get(callId);
  }

  aliased(value: Json): Json {
    if (this.names.size === 0) return value;
    if (typeof value === 'string') return this.names.get(value) ?? value;
    if (Array.isArray(value)) return value.map((v) => this.aliased(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.aliased(v)]));
  }
}

function defaultRender(event: ThreadEvent, options: RenderOptions, collapsed: boolean, memory: RenderMemory): RenderedEvent | null {
  const maxTokens = options.maxResultTokens ?? DEFAULT_MAX_RESULT_TOKENS;
  const profile = options.profile ?? 'lean';
  const yaml = (value: Json | Record<string, unknown>): string => toYaml(value, profile);
  switch (event.type) {
    case 'message_received': {
      const inbound = ownEntry(options.inbound, event.data.channel);
      const rendered = inbound?.(event, profile);
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
      // The lean profile does not repeat the tag as an `intent:` line.
      return { tag: event.data.intent, body: profile === 'seed' ? yaml({ intent: event.data.intent, ...event.data.args }) : yaml(memory.aliased(event.data.args)) };
    case 'tool_succeeded': {
      const tag = options.resultTags?.[event.data.intent] ?? `${event.data.intent}_result`;
      return { tag, body: truncate(resultBody(event, memory.argsOf(event.data.callId), options, profile), maxTokens) };
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
      // The lean profile names the step (decided just before) instead of spelling its operation out again.
      return {
        tag: event.type,
        body: profile === 'seed' ? yaml({ operation: event.data.summary, policy: event.data.policy }) : yaml({ step: event.data.intent, policy: event.data.policy }),
      };
    case 'approval_granted':
      return { tag: event.type, body: yaml({ by: event.data.by, ...(event.data.comment ? { comment: event.data.comment } : {}) }) };
    case 'approval_denied':
      return { tag: event.type, body: yaml({ by: event.data.by, reason: event.data.reason ?? 'no reason given' }) };
    case 'human_replied':
      return { tag: 'human_response', body: renderReply(event.data, profile) };
    case 'escalated':
      return { tag: event.type, body: yaml({ reason: event.data.reason }) };
    case 'retry_requested':
      return { tag: event.type, body: yaml({ by: event.data.by, message: 'try again' }) };
    case 'thread_stopped':
      return { tag: event.type, body: yaml({ by: event.data.by, message: 'stop working on this' }) };
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
export function renderOne(event: ThreadEvent, options: RenderOptions, collapsed: boolean, memory: RenderMemory = new RenderMemory(options)): string | null {
  const override = options.overrides?.[event.type] as EventRenderer | undefined;
  const rendered = override ? override(event) : defaultRender(event, options, collapsed, memory);
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
  const memory = new RenderMemory(options);
  return events.flatMap((event) => {
    memory.note(event);
    const line = compacted.get(event.seq);
    const full = renderOne(event, options, collapsed.has(event.seq), memory);
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
