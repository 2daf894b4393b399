// Model-step prompts stored as deltas: each is the shared prefix with the thread's previous prompt plus a new tail.
import { createHash } from 'node:crypto';
import { HardwayError } from '../core/errors.js';
import type { ThreadEvent } from '../core/events.js';
import type { EventId } from '../core/ids.js';
import { int, text, type Row } from './rows.js';

/** What a model step sent, to be stored with the step's event (by its id) in the same commit. */
export interface SentPrompt {
  eventId: EventId;
  /** The exact HTTP request body; never headers, which carry the provider key. */
  body: string;
  /**
   * The body's sha256 when the sender already hashed it (a long thread's body is ~190 KB): stored as given, and
   * checked against the rebuilt body on every read, so a wrong one fails there rather than passing unnoticed.
   */
  sha256?: string;
}

export interface StoredPrompt {
  seq: number;
  body: string;
  sha256: string;
  /** Characters shared with the thread's previous stored prompt (0 for the first). */
  prefixLength: number;
  /** The seq of that previous prompt, if any. */
  previousSeq?: number;
}

export interface PromptRow {
  seq: number;
  prefixLength: number;
  tail: string;
  sha256: string;
}

export const sha256 = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

/**
 * Prompts are prefix-stable (factor 7), so the delta is usually a short tail. The cut never splits a surrogate pair:
 * a lone surrogate would not survive UTF-8 storage.
 */
export function promptDelta(previous: string, next: string): { prefixLength: number; tail: string } {
  const max = Math.min(previous.length, next.length);
  let n = 0;
  // Prompts share most of their length (factor 7): equal chunks are compared natively, the first unequal one by char.
  while (n + PREFIX_CHUNK <= max && previous.slice(n, n + PREFIX_CHUNK) === next.slice(n, n + PREFIX_CHUNK)) n += PREFIX_CHUNK;
  while (n < max && previous.charCodeAt(n) === next.charCodeAt(n)) n++;
  if (n > 0 && n < next.length && isHighSurrogate(next.charCodeAt(n - 1))) n--;
  return { prefixLength: n, tail: next.slice(n) };
}

const PREFIX_CHUNK = 4096;

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

export function toPromptRow(row: Row): PromptRow {
  return { seq: int(row, 'seq'), prefixLength: int(row, 'prefix_length'), tail: text(row, 'tail'), sha256: text(row, 'sha256') };
}

/** Rebuilds the prompts of the rows (in seq order) up to `seq`, and checks the hash of the one asked for. */
export function reconstruct(rows: readonly PromptRow[], seq: number): StoredPrompt | undefined {
  return reconstructAll(rows.filter((row) => row.seq <= seq), (s) => s === seq).at(-1);
}

/** Rebuilds every prompt of the rows (in seq order), checking the hash of each one `check` picks (default: all). */
export function reconstructAll(rows: readonly PromptRow[], check: (seq: number) => boolean = () => true): StoredPrompt[] {
  const out: StoredPrompt[] = [];
  let body = '';
  let previousSeq: number | undefined;
  for (const row of rows) {
    body = body.slice(0, row.prefixLength) + row.tail;
    if (check(row.seq)) {
      if (sha256(body) !== row.sha256) throw new HardwayError('invalid_state', `the stored prompt of step ${row.seq} does not match its hash`);
      out.push({ seq: row.seq, body, sha256: row.sha256, prefixLength: row.prefixLength, ...(previousSeq === undefined ? {} : { previousSeq }) });
    }
    previousSeq = row.seq;
  }
  return out;
}

/** The last prompt the rows rebuild to: what the next one is a delta against. */
export function lastPrompt(rows: readonly PromptRow[]): string {
  let body = '';
  for (const row of rows) body = body.slice(0, row.prefixLength) + row.tail;
  return body;
}

/** Pairs each sent prompt with its stored event's seq, in seq order; a prompt for an event not appended is a bug. */
export function promptsBySeq(prompts: readonly SentPrompt[] | undefined, stored: readonly ThreadEvent[]): Array<{ seq: number; body: string; sha256: string }> {
  if (prompts === undefined || prompts.length === 0) return [];
  const seqOf = new Map(stored.map((e) => [e.id, e.seq]));
  return prompts
    .map((p) => {
      const seq = seqOf.get(p.eventId);
      if (seq === undefined) throw new HardwayError('invalid_input', `a prompt names event ${p.eventId}, which this append does not hold`);
      return { seq, body: p.body, sha256: p.sha256 ?? sha256(p.body) };
    })
    .sort((a, b) => a.seq - b.seq);
}

/**
 * The newest stored prompt of recently active threads, so an append deltas against it without rebuilding the
 * thread's whole chain. Trusted only while it is still the thread's newest row (same seq and hash): a rolled-back
 * append or another process's write changes that, and the chain is rebuilt instead.
 */
export class LatestPrompts {
  private readonly byThread = new Map<string, { seq: number; sha256: string; body: string }>();

  constructor(private readonly max = 512) {}

  /** The body of `newest` (the thread's newest stored row), or undefined when it is not known here. */
  body(threadId: string, newest: { seq: number; sha256: string } | undefined): string | undefined {
    if (newest === undefined) return '';
    const cached = this.byThread.get(threadId);
    return cached !== undefined && cached.seq === newest.seq && cached.sha256 === newest.sha256 ? cached.body : undefined;
  }

  remember(threadId: string, seq: number, sha: string, body: string): void {
    this.byThread.delete(threadId);
    this.byThread.set(threadId, { seq, sha256: sha, body });
    if (this.byThread.size > this.max) {
      const oldest = this.byThread.keys().next().value;
      if (oldest !== undefined) this.byThread.delete(oldest);
    }
  }
}
