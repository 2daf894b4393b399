// An inbound email as a thread keeps it: the core's `message_received` on channel `email`, whose `meta` holds what
// only an email has (To, Cc, Subject, threading ids, the quoted conversation, the full text). This file writes that
// shape, reads it back (checked: it is stored data), renders it as the seed's `<email_received>` and upcasts the
// `email_received` events stored before the core had one generic inbound event.
import { z } from 'zod';
import type { AttachmentMeta, EventOf, MessageReceived, ThreadEvent } from '../../core/events.js';
import { HardwayError } from '../../core/errors.js';
import type { Opening } from '../../core/human-input.js';
import type { JsonObject } from '../../core/json.js';
import { describeAttachment, fields, toYaml, type RenderedEvent, type RenderProfile } from '../../core/render.js';
import type { Upcasters } from '../../core/upcast.js';
import { formatAddress } from './addresses.js';

export const EMAIL_CHANNEL = 'email';

export interface EmailAddress {
  address: string;
  name?: string;
}

export interface PreviousMessage {
  from: string;
  at?: string;
  body: string;
}

export interface EmailReceived {
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  /** The new text of the message: quoted replies and signatures stripped. */
  body: string;
  /** The whole text as sent, kept for audit; not rendered. */
  fullBody: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  previousThread: PreviousMessage[];
  attachments: AttachmentMeta[];
}

const address = z.object({ address: z.string(), name: z.string().optional() });
const previousMessage = z.object({ from: z.string(), at: z.string().optional(), body: z.string() });
const attachment = z.object({ filename: z.string(), contentType: z.string(), size: z.number(), text: z.string().optional() });

/** What `meta` holds for an email: everything of `EmailReceived` the generic fields do not carry. */
const emailMeta = z.object({
  fromName: z.string().optional(),
  to: z.array(address),
  cc: z.array(address),
  subject: z.string(),
  fullBody: z.string(),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()),
  previousThread: z.array(previousMessage),
});

/** The data of an `email_received` event as the code before the generic inbound event wrote it. */
const legacyEmailReceived = emailMeta.omit({ fromName: true }).extend({
  from: address,
  body: z.string(),
  messageId: z.string(),
  attachments: z.array(attachment),
});

// No key holds undefined: the event is JSON, and what the store gives back must equal what was appended.
const addressJson = (a: EmailAddress): JsonObject => ({ address: a.address, ...(a.name !== undefined ? { name: a.name } : {}) });
const previousJson = (m: PreviousMessage): JsonObject => ({ from: m.from, ...(m.at !== undefined ? { at: m.at } : {}), body: m.body });

export function emailMessage(email: EmailReceived): MessageReceived {
  const meta: JsonObject = {
    ...(email.from.name !== undefined ? { fromName: email.from.name } : {}),
    to: email.to.map(addressJson),
    cc: email.cc.map(addressJson),
    subject: email.subject,
    fullBody: email.fullBody,
    ...(email.inReplyTo !== undefined ? { inReplyTo: email.inReplyTo } : {}),
    references: email.references,
    previousThread: email.previousThread.map(previousJson),
  };
  return { channel: EMAIL_CHANNEL, from: email.from.address, text: email.body, messageId: email.messageId, attachments: email.attachments, meta };
}

/** A new email as the opening of the thread it starts; its sender is the From address on channel `email`. */
export function emailOpening(email: EmailReceived): Opening {
  const { text, messageId, attachments, meta } = emailMessage(email);
  return { kind: 'message', text, metadata: { messageId, attachments }, meta };
}

/** The email an inbound message was, or undefined when it came by another channel (or is not one we wrote). */
export function emailOf(message: MessageReceived): EmailReceived | undefined {
  if (message.channel !== EMAIL_CHANNEL || message.from === undefined || message.messageId === undefined) return undefined;
  const meta = emailMeta.safeParse(message.meta);
  if (!meta.success) return undefined;
  const { fromName, inReplyTo, ...rest } = meta.data;
  return {
    from: { address: message.from, ...(fromName !== undefined ? { name: fromName } : {}) },
    ...rest,
    body: message.text,
    messageId: message.messageId,
    ...(inReplyTo !== undefined ? { inReplyTo } : {}),
    attachments: message.attachments ?? [],
  };
}

/** The email that started the thread, when it started by email. */
export function emailEventOf(event: ThreadEvent | undefined): EmailReceived | undefined {
  return event?.type === 'message_received' ? emailOf(event.data) : undefined;
}

function renderEmail(data: EmailReceived, profile: RenderProfile): string {
  const entries: Array<[string, string]> = [
    ['From', formatAddress(data.from)],
    ['To', data.to.map(formatAddress).join(', ')],
  ];
  if (data.cc.length > 0) entries.push(['Cc', data.cc.map(formatAddress).join(', ')]);
  entries.push(['Subject', data.subject], ['Body', data.body]);
  if (data.attachments.length > 0) {
    entries.push(['Attachments', data.attachments.map(describeAttachment).join(', ')]);
    for (const a of data.attachments) if (a.text !== undefined) entries.push([`Attachment ${a.filename}`, a.text]);
  }
  // The lean profile leaves out an empty previous thread: saying there is none tells the model nothing.
  if (data.previousThread.length > 0 || profile === 'seed') {
    const previous = data.previousThread.length === 0 ? '[]' : `\n${toYaml(data.previousThread.map((m) => ({ ...m })), profile)}`;
    entries.push(['Previous Thread', previous]);
  }
  return fields(entries);
}

/** The seed's `<email_received>`; a message on this channel that is not one of our emails renders as the core's default. */
export function renderEmailReceived(event: EventOf<'message_received'>, profile: RenderProfile = 'seed'): RenderedEvent | undefined {
  const email = emailOf(event.data);
  return email === undefined ? undefined : { tag: 'email_received', body: renderEmail(email, profile) };
}

/** One line for `hardway show`. */
export function describeEmailReceived(event: EventOf<'message_received'>, clip: (text: string) => string): string | undefined {
  const email = emailOf(event.data);
  return email === undefined ? undefined : `email from ${email.from.address}: ${clip(email.subject)} — ${clip(email.body)}`;
}

/** Reads an `email_received` row written before the generic event: the same email, as `message_received`. */
export const emailUpcasters: Upcasters = {
  email_received: (data: JsonObject) => {
    const parsed = legacyEmailReceived.safeParse(data);
    if (!parsed.success) throw new HardwayError('invalid_state', `stored email_received does not read as an email: ${parsed.error.message}`);
    return { type: 'message_received', data: emailMessage(parsed.data) };
  },
};
