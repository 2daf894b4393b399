// Builds raw test messages (CRLF, like the wire) with just the headers a test cares about.
export interface MailSpec {
  from: string;
  to?: string;
  cc?: string;
  subject?: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  /** Extra headers, placed first (where a receiving MTA would put its own). */
  headers?: Array<[string, string]>;
  date?: string;
}

let counter = 0;

export function rawMail(spec: MailSpec): Buffer {
  counter += 1;
  const lines: string[] = [
    ...(spec.headers ?? []).map(([k, v]) => `${k}: ${v}`),
    `From: ${spec.from}`,
    `To: ${spec.to ?? 'Hardway Assistant <assistant@hardway.test>'}`,
    ...(spec.cc !== undefined ? [`Cc: ${spec.cc}`] : []),
    `Subject: ${spec.subject ?? 'Export bug for ACME'}`,
    `Date: ${spec.date ?? 'Mon, 03 Mar 2025 10:58:00 +0000'}`,
    `Message-ID: ${spec.messageId ?? `<test-${counter}-${Date.now()}@example.com>`}`,
    ...(spec.inReplyTo !== undefined ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    ...(spec.references !== undefined ? [`References: ${spec.references}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...(spec.body ?? 'The CSV export for ACME drops every row after 10,000. Please file a bug.').split('\n'),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** What our receiving MTA would prepend after checking DMARC. */
export function trustedPass(domain = 'example.com'): [string, string] {
  return ['Authentication-Results', `mx.hardway.test; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=pass (p=reject) header.from=${domain}`];
}
