// The context window kept across a run's steps: each step renders only the events it has not rendered yet and
// appends them, so a step costs the same on the 200th event as on the 10th and the text stays byte for byte what
// `renderContext` gives for the same events (a prefix of the next step's, for provider prompt caches).
import { humanInputTypes, type ThreadEvent } from './events.js';
import type { EventId } from './ids.js';
import { RenderMemory, renderCompacted, renderOne, type RenderOptions } from './render.js';

const SEPARATOR = '\n\n';

interface Part {
  text: string;
}

/** A tool error whose part may still shrink to one line (see `RenderOptions.collapseResolvedErrors`). */
interface OpenError {
  event: ThreadEvent;
  /** Undefined when an override left the event out of the context. */
  part: Part | undefined;
}

export class ContextBuilder {
  private parts: Part[] = [];
  private text = '';
  private seen = 0;
  private lastId: EventId | undefined;
  /** Errors no later success of the same intent has resolved yet, by intent. */
  private unresolved = new Map<string, OpenError[]>();
  /** Errors a success resolved: they collapse when the next human input arrives. */
  private resolved: OpenError[] = [];
  /** Every rendered tool result and error by seq: a `context_compacted` may collapse any of them. */
  private results = new Map<number, { event: ThreadEvent; part: Part }>();
  /** The lines compaction put in place of results, by seq: they stay, whatever else would re-render them. */
  private compacted = new Map<number, string>();
  private memory: RenderMemory;

  constructor(private readonly options: RenderOptions = {}) {
    this.memory = new RenderMemory(options);
  }

  /**
   * The context for `events`. A thread only grows, so `events` normally extends what was rendered before and only
   * the new events are rendered; given anything else, it starts over.
   */
  render(events: readonly ThreadEvent[]): string {
    if (this.seen > events.length || (this.seen > 0 && events[this.seen - 1]?.id !== this.lastId)) this.reset();
    let rewritten = false;
    for (let i = this.seen; i < events.length; i++) {
      const event = events[i];
      if (event !== undefined) rewritten = this.add(event) || rewritten;
    }
    this.seen = events.length;
    this.lastId = events.at(-1)?.id;
    if (rewritten) this.text = this.parts.map((p) => p.text).join(SEPARATOR);
    return this.text;
  }

  /** Returns true when earlier parts were rewritten (the text must be joined again). */
  private add(event: ThreadEvent): boolean {
    this.memory.note(event);
    const text = renderOne(event, this.options, false, this.memory);
    const part = text === null ? undefined : { text };
    if (part !== undefined) {
      this.text = this.parts.length === 0 ? part.text : this.text + SEPARATOR + part.text;
      this.parts.push(part);
      if (event.type === 'tool_succeeded' || event.type === 'tool_failed') this.results.set(event.seq, { event, part });
    }
    // The budget's deliberate prefix break, recorded by its event: every step after it is again a prefix of the next.
    if (event.type === 'context_compacted') return this.compact(event.seq, event.data.collapsed);
    if (this.options.collapseResolvedErrors === false) return false;
    if (event.type === 'tool_failed') {
      const open = this.unresolved.get(event.data.intent) ?? [];
      open.push({ event, part });
      this.unresolved.set(event.data.intent, open);
    } else if (event.type === 'tool_succeeded') {
      this.resolved.push(...(this.unresolved.get(event.data.intent) ?? []));
      this.unresolved.delete(event.data.intent);
    } else if (humanInputTypes.has(event.type) && this.resolved.length > 0) {
      // The one place the prefix changes: a human spoke, so the errors resolved before it shrink (see RenderOptions).
      for (const error of this.resolved) {
        if (error.part !== undefined && !this.compacted.has(error.event.seq)) {
          error.part.text = renderOne(error.event, this.options, true, this.memory) ?? error.part.text;
        }
      }
      this.resolved = [];
      return true;
    }
    return false;
  }

  private compact(at: number, collapsed: ReadonlyArray<{ seq: number; line: string }>): boolean {
    let rewritten = false;
    for (const { seq, line } of collapsed) {
      if (seq >= at) continue;
      this.compacted.set(seq, line);
      const result = this.results.get(seq);
      if (result === undefined) continue;
      result.part.text = renderCompacted(result.event, this.options, line) ?? result.part.text;
      this.results.delete(seq);
      rewritten = true;
    }
    return rewritten;
  }

  private reset(): void {
    this.parts = [];
    this.text = '';
    this.seen = 0;
    this.lastId = undefined;
    this.unresolved = new Map();
    this.resolved = [];
    this.results = new Map();
    this.compacted = new Map();
    this.memory = new RenderMemory(this.options);
  }
}
