// Splits a message's text into what the person wrote now and the earlier conversation it quotes.
//
// Stripping is planer (talon's quotation rules) then email-reply-parser (signatures and "Sent from my iPhone"):
// each catches layouts the other misses. A forwarded message is the content the person is handing us, so it is kept
// in the body; only what they wrote above it is stripped. The earlier messages are read by our own small parser of
// the common layouts (Gmail/Apple "On … wrote:" with `>` quoting, Outlook "From:/Sent:" blocks).
import EmailReplyParser from 'email-reply-parser';
import { extractFromPlain } from 'planer';
import type { PreviousMessage } from '../email-received.js';

export interface SplitReply {
  /** The new text: quoted replies and signatures removed, forwarded content kept. */
  body: string;
  /** The quoted conversation, oldest first. */
  previous: PreviousMessage[];
}

// The prompt is the consumer: a long quoted history costs tokens and adds little; fullBody keeps all of it.
const MAX_PREVIOUS = 10;
const MAX_PREVIOUS_BODY = 4000;
const MAX_ATTRIBUTION = 400;
const MAX_STRIP_INPUT = 32 * 1024;

const forwardMarker = /^\s*(?:-{2,}\s*(?:Forwarded message|Forwarded Message)\s*-{2,}|Begin forwarded message:)\s*$/i;
const originalMessage = /^\s*-{2,}\s*(?:Original Message|Reply Message)\s*-{2,}\s*$/i;
const outlookRule = /^\s*_{10,}\s*$/;
const headerFrom = /^\s*\*?From:\*?\s+\S/i;
const headerDateOrSent = /^\s*\*?(?:Sent|Date):\*?\s+\S/i;
const headerField = /^\s*\*?([A-Za-z-]+):\*?\s*(.*)$/;
const forwardSubject = /^\s*(?:fwd?|fw)\s*:/i;

/** Removes invisible characters mail clients scatter (BOM, zero-width) and normalizes line ends. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\uFEFF\u200B\u200C\u200D\u2060]/g, '')
    .replace(/\u00A0/g, ' ');
}

interface Attribution {
  from: string;
  at?: string;
  /** Index of the first line after the attribution. */
  next: number;
  style: 'quote' | 'block';
}

/** "On <date>, <who> wrote:" over up to three lines (Gmail wraps it), starting at `i`. */
function onWrote(lines: readonly string[], i: number): Attribution | undefined {
  const first = lines[i];
  if (first === undefined || !/^\s*On\s/.test(first)) return undefined;
  let joined = '';
  for (let j = i; j < Math.min(lines.length, i + 3); j++) {
    joined = `${joined} ${lines[j] ?? ''}`.trim();
    // Attributions are short; bounding the input keeps the regex below linear on hostile lines.
    if (joined.length > MAX_ATTRIBUTION) return undefined;
    const m = /^On\s+(.*?)[,\s]*((?:[^,]*<[^<>]+>)|(?:[^,\s]+@[^,\s]+)|(?:[^,]+))\s+wrote:?\s*$/i.exec(joined);
    if (m) {
      const at = m[1]?.trim().replace(/,$/, '');
      return { from: (m[2] ?? '').trim(), ...(at ? { at } : {}), next: j + 1, style: 'quote' };
    }
  }
  return undefined;
}

/** An Outlook-style header block ("From: … / Sent: … / To: … / Subject: …"), possibly after a rule or a marker. */
function headerBlock(lines: readonly string[], i: number): Attribution | undefined {
  let j = i;
  if (originalMessage.test(lines[j] ?? '') || outlookRule.test(lines[j] ?? '')) j++;
  if (!headerFrom.test(lines[j] ?? '')) return undefined;
  const window = lines.slice(j, j + 6);
  if (!window.some((l) => headerDateOrSent.test(l))) return undefined;
  let from = '';
  let at: string | undefined;
  while (j < lines.length) {
    const m = headerField.exec(lines[j] ?? '');
    if (!m || (lines[j] ?? '').trim() === '') break;
    const name = (m[1] ?? '').toLowerCase();
    if (name === 'from') from = (m[2] ?? '').trim();
    if (name === 'sent' || name === 'date') at = (m[2] ?? '').trim();
    j++;
  }
  return { from, ...(at ? { at } : {}), next: j, style: 'block' };
}

function attributionAt(lines: readonly string[], i: number): Attribution | undefined {
  return onWrote(lines, i) ?? headerBlock(lines, i);
}

/** Where the quoted conversation starts: an attribution, a header block or a `>` quote block. */
function firstBoundary(lines: readonly string[], from = 0): number | undefined {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*>/.test(line) || attributionAt(lines, i) !== undefined) return i;
  }
  return undefined;
}

function firstForwardMarker(lines: readonly string[]): number | undefined {
  const i = lines.findIndex((l) => forwardMarker.test(l));
  return i < 0 ? undefined : i;
}

function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_PREVIOUS_BODY ? `${trimmed.slice(0, MAX_PREVIOUS_BODY)}…` : trimmed;
}

/** The lines of one `>` quote block starting at `i`, one level of quoting removed; blank lines inside are kept. */
function quoteBlock(lines: readonly string[], i: number): { inner: string[]; next: number } {
  const inner: string[] = [];
  let j = i;
  while (j < lines.length) {
    const line = lines[j] ?? '';
    if (/^\s*>/.test(line)) inner.push(line.replace(/^\s*> ?/, ''));
    else if (line.trim() === '' && /^\s*>/.test(lines[j + 1] ?? '')) inner.push('');
    else break;
    j++;
  }
  return { inner, next: j };
}

/** Messages in the quoted part, most recent first. */
function parseQuoted(lines: readonly string[], depth = 0): PreviousMessage[] {
  if (depth > MAX_PREVIOUS) return [];
  const out: PreviousMessage[] = [];
  let i = 0;
  while (i < lines.length && out.length <= MAX_PREVIOUS) {
    if ((lines[i] ?? '').trim() === '') {
      i++;
      continue;
    }
    const head = attributionAt(lines, i);
    if (head === undefined && !/^\s*>/.test(lines[i] ?? '')) {
      i++;
      continue;
    }
    if (head?.style === 'block') {
      const end = firstBoundary(lines, head.next) ?? lines.length;
      out.push({ from: head.from || 'unknown', ...(head.at ? { at: head.at } : {}), body: clip(lines.slice(head.next, end).join('\n')) });
      i = end;
      continue;
    }
    let start = head?.next ?? i;
    while (start < lines.length && (lines[start] ?? '').trim() === '') start++;
    if (head !== undefined && !/^\s*>/.test(lines[start] ?? '')) {
      // Apple Mail quotes the attribution together with the message, so inside the quote it is not quoted again.
      const end = firstBoundary(lines, start) ?? lines.length;
      out.push({ from: head.from || 'unknown', ...(head.at ? { at: head.at } : {}), body: clip(lines.slice(start, end).join('\n')) });
      i = Math.max(end, i + 1);
      continue;
    }
    const { inner, next } = quoteBlock(lines, start);
    if (head === undefined && inner.length > 0 && attributionAt(inner, inner.findIndex((l) => l.trim() !== '')) !== undefined) {
      // Apple Mail and HTML mail put the attribution inside the quote.
      out.push(...parseQuoted(inner, depth + 1));
    } else {
      const end = firstBoundary(inner) ?? inner.length;
      out.push({ from: head?.from || 'unknown', ...(head?.at ? { at: head.at } : {}), body: clip(inner.slice(0, end).join('\n')) });
      out.push(...parseQuoted(inner.slice(end), depth + 1));
    }
    i = Math.max(next, i + 1);
  }
  return out;
}

function stripQuotesAndSignature(text: string): string {
  const withoutQuotes = extractFromPlain(text).trim();
  const visible = new EmailReplyParser().read(withoutQuotes).getVisibleText().trim();
  // email-reply-parser hides a message that is nothing but a sign-off; keep planer's result then.
  return visible === '' ? withoutQuotes : visible;
}

function stripNewText(text: string): string {
  if (text.length <= MAX_STRIP_INPUT) return stripQuotesAndSignature(text);
  // planer's splitter regexes backtrack badly on huge inputs: cut at our own (bounded) boundary first and only
  // hand the libraries what is left when that is small; a very long new message is kept as it is.
  const lines = text.split('\n');
  const boundary = firstBoundary(lines);
  const fresh = boundary === undefined ? text : lines.slice(0, boundary).join('\n');
  return fresh.length <= MAX_STRIP_INPUT ? stripQuotesAndSignature(fresh) : fresh.trim();
}

export function splitReply(text: string, subject = ''): SplitReply {
  const normalized = normalizeText(text).trim();
  const lines = normalized.split('\n');
  const boundary = firstBoundary(lines);
  let forwardAt = firstForwardMarker(lines);
  if (forwardAt !== undefined && boundary !== undefined && boundary < forwardAt) forwardAt = undefined;
  // Outlook forwards look exactly like its replies; only the subject tells them apart.
  if (forwardAt === undefined && boundary !== undefined && forwardSubject.test(subject) && !/^\s*>/.test(lines[boundary] ?? '')) {
    forwardAt = boundary;
  }
  if (forwardAt !== undefined) {
    const head = lines.slice(0, forwardAt).join('\n').trim();
    const forwarded = lines.slice(forwardAt).join('\n').trim();
    const note = head === '' ? '' : stripNewText(head);
    return { body: note === '' ? forwarded : `${note}\n\n${forwarded}`, previous: [] };
  }
  const previous = boundary === undefined ? [] : parseQuoted(lines.slice(boundary)).slice(0, MAX_PREVIOUS).reverse();
  return { body: stripNewText(normalized), previous };
}
