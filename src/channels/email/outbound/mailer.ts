// Outbound SMTP: one message out, nothing else; nodemailer from SMTP_URL, DKIM-signed when a key is configured.
import nodemailer from 'nodemailer';
import type { DkimSettings } from '../config.js';
import type { Secret } from '../../shared/secret.js';

export interface OutboundEmail {
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  /** Extra headers, e.g. Auto-Submitted. */
  headers: Record<string, string>;
}

export interface SendReceipt {
  accepted: string[];
  rejected: string[];
}

/** What the notifier needs; tests and other transports implement it too. */
export interface Mailer {
  send(mail: OutboundEmail): Promise<SendReceipt>;
  close(): void;
}

function addresses(list: ReadonlyArray<string | { address: string }> | undefined): string[] {
  return (list ?? []).map((a) => (typeof a === 'string' ? a : a.address));
}

export function createSmtpMailer(options: { smtpUrl: Secret; dkim?: DkimSettings }): Mailer {
  const transport = nodemailer.createTransport({
    url: options.smtpUrl.reveal(),
    ...(options.dkim !== undefined
      ? {
          dkim: {
            domainName: options.dkim.domainName,
            keySelector: options.dkim.keySelector,
            privateKey: options.dkim.privateKey.reveal(),
          },
        }
      : {}),
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        cc: mail.cc,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.inReplyTo !== undefined ? { inReplyTo: mail.inReplyTo } : {}),
        references: mail.references,
        headers: mail.headers,
      });
      return { accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
    },
    close() {
      transport.close();
    },
  };
}
