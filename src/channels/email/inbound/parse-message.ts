// Raw MIME → the fields an inbound email needs: addresses, threading ids, decoded text (HTML-only mail converted).
import { TextDecoder } from 'node:util';
import { convert } from 'html-to-text';
import { simpleParser, type AddressObject, type Attachment, type EmailAddress as ParsedAddress } from 'mailparser';
import type { AttachmentMeta } from '../../../core/events.js';
import type { EmailAddress } from '../email-received.js';
import { normalizeAddress } from '../addresses.js';
import { messageIdList, normalizeMessageId, syntheticMessageId } from '../outbound/message-id.js';
import { normalizeText } from './reply-text.js';

export interface ParsedEmail {
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  date?: string;
  /** The whole text as sent (HTML converted when there is no text part), line ends normalized. */
  text: string;
  attachments: AttachmentMeta[];
}

export type ParseResult = { ok: true; email: ParsedEmail } | { ok: false; problem: string };

function flatten(list: readonly ParsedAddress[]): EmailAddress[] {
  return list.flatMap((a) => {
    if (a.group) return flatten(a.group);
    if (!a.address) return [];
    return [{ address: normalizeAddress(a.address), ...(a.name ? { name: a.name } : {}) }];
  });
}

function addresses(header: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (header === undefined) return [];
  return (Array.isArray(header) ? header : [header]).flatMap((h) => flatten(h.value));
}

export function htmlToPlainText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'head', format: 'skip' },
    ],
  });
}

export async function parseEmail(raw: Buffer): Promise<ParseResult> {
  let parsed;
  try {
    // Our own html-to-text settings decide how HTML-only mail reads, so mailparser's conversion is switched off.
    parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (error) {
    return { ok: false, problem: `unparseable MIME: ${error instanceof Error ? error.message : String(error)}` };
  }
  const from = addresses(parsed.from);
  if (from.length === 0) return { ok: false, problem: 'no From address' };
  if (from.length > 1) return { ok: false, problem: 'more than one From address' };
  const sender = from[0];
  if (sender === undefined) return { ok: false, problem: 'no From address' };
  const plain = parsed.text ?? '';
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const text = normalizeText(plain.trim() === '' && html !== '' ? htmlToPlainText(html) : plain);
  const inReplyTo = messageIdList(parsed.inReplyTo)[0];
  return {
    ok: true,
    email: {
      from: sender,
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      subject: parsed.subject?.trim() ?? '',
      messageId: normalizeMessageId(parsed.messageId) ?? syntheticMessageId(raw),
      ...(inReplyTo !== undefined ? { inReplyTo } : {}),
      references: messageIdList(parsed.references),
      ...(parsed.date !== undefined && !Number.isNaN(parsed.date.getTime()) ? { date: parsed.date.toISOString() } : {}),
      text,
      attachments: attachmentsOf(parsed.attachments),
    },
  };
}

/** A text attachment's words reach the context up to this many characters each, and this many in all. */
export const ATTACHMENT_TEXT_LIMITS = { each: 4_000, total: 12_000 };
/** Only the start of a large text file is decoded: the rest would be cut anyway. */
const DECODE_BYTES = 256 * 1024;

function attachmentsOf(attachments: readonly Attachment[]): AttachmentMeta[] {
  let budget = ATTACHMENT_TEXT_LIMITS.total;
  return attachments.map((a) => {
    const meta: AttachmentMeta = { filename: a.filename ?? 'unnamed', contentType: a.contentType, size: a.size };
    const text = budget > 0 ? textOf(a) : undefined;
    if (text === undefined) return meta;
    const kept = cut(text, Math.min(budget, ATTACHMENT_TEXT_LIMITS.each), a.size);
    budget -= kept.length;
    return { ...meta, text: kept };
  });
}

function textOf(a: Attachment): string | undefined {
  if (!a.contentType.startsWith('text/')) return undefined;
  const bytes = a.content.subarray(0, DECODE_BYTES);
  const decoded = decoderFor(charsetOf(a)).decode(bytes);
  const text = normalizeText(a.contentType === 'text/html' ? htmlToPlainText(decoded) : decoded).trim();
  return text === '' ? undefined : text;
}

function charsetOf(a: Attachment): string | undefined {
  const header: unknown = a.headers.get('content-type');
  const params: unknown = typeof header === 'object' && header !== null && 'params' in header ? header.params : undefined;
  const charset = typeof params === 'object' && params !== null && 'charset' in params ? params.charset : undefined;
  return typeof charset === 'string' ? charset : undefined;
}

function decoderFor(charset: string | undefined): TextDecoder {
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    // A label the platform does not know: UTF-8 shows ASCII right and marks the rest, which beats dropping it.
    return new TextDecoder('utf-8');
  }
}

function cut(text: string, max: number, size: number): string {
  if (text.length <= max) return text;
  // Never split a surrogate pair: the half left over would be a character that is not there.
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}\n… [cut: the file is ${size} bytes]`;
}
