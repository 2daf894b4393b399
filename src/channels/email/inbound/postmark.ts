// Postmark's inbound webhook JSON → raw MIME for the one pipeline: RawEmail as is, else rebuilt from parsed fields.
//
// A message rebuilt from fields carries no verifiable DKIM signature, so it can only pass sender authentication
// through a trusted Authentication-Results header; enable "include raw email" in Postmark to verify DKIM here.
import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';

const recipient = z.object({ Email: z.string().min(3), Name: z.string().optional().default('') });

export const postmarkInboundSchema = z.object({
  FromFull: recipient,
  ToFull: z.array(recipient).optional().default([]),
  CcFull: z.array(recipient).optional().default([]),
  Subject: z.string().optional().default(''),
  Date: z.string().optional(),
  TextBody: z.string().optional().default(''),
  HtmlBody: z.string().optional().default(''),
  StrippedTextReply: z.string().optional().default(''),
  MessageID: z.string().min(1),
  Headers: z.array(z.object({ Name: z.string().min(1), Value: z.string() })).optional().default([]),
  Attachments: z
    .array(
      z.object({
        Name: z.string().optional().default('unnamed'),
        Content: z.base64(),
        ContentType: z.string().optional().default('application/octet-stream'),
      }),
    )
    .optional()
    .default([]),
  RawEmail: z.string().optional(),
});

export type PostmarkInbound = z.infer<typeof postmarkInboundSchema>;

// Headers MailComposer writes itself from the fields; copying them from the list would duplicate them.
const composed = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

export async function postmarkToRaw(payload: PostmarkInbound): Promise<Buffer> {
  if (payload.RawEmail !== undefined && payload.RawEmail.trim() !== '') return Buffer.from(payload.RawEmail, 'utf8');
  const header = (name: string): string | undefined =>
    payload.Headers.find((h) => h.Name.toLowerCase() === name)?.Value;
  const address = (r: z.infer<typeof recipient>) => ({ name: r.Name, address: r.Email });
  // Postmark's MessageID is its own; the sender's Message-ID is in Headers when it had one.
  const messageId = header('message-id') ?? `<${payload.MessageID}@inbound.postmarkapp.com>`;
  const inReplyTo = header('in-reply-to');
  const references = header('references');
  const text = payload.TextBody !== '' || payload.HtmlBody !== '' ? payload.TextBody : payload.StrippedTextReply;
  const composer = new MailComposer({
    from: address(payload.FromFull),
    to: payload.ToFull.map(address),
    cc: payload.CcFull.map(address),
    subject: payload.Subject,
    ...(payload.Date !== undefined ? { date: payload.Date } : {}),
    messageId,
    ...(inReplyTo !== undefined ? { inReplyTo } : {}),
    ...(references !== undefined ? { references } : {}),
    ...(text !== '' ? { text } : {}),
    ...(payload.HtmlBody !== '' ? { html: payload.HtmlBody } : {}),
    headers: payload.Headers.filter((h) => !composed.has(h.Name.toLowerCase())).map((h) => ({ key: h.Name, value: h.Value })),
    attachments: payload.Attachments.map((a) => ({
      filename: a.Name,
      content: Buffer.from(a.Content, 'base64'),
      contentType: a.ContentType,
    })),
  });
  return composer.compile().build();
}
