// Attachments of a reply reach the thread and the context like the first email's (#9.14).
import { describe, expect, it } from 'vitest';
import { ATTACHMENT_TEXT_LIMITS } from '../../src/channels/email/inbound/parse-message.js';
import type { ThreadId } from '../../src/core/ids.js';
import { renderContext } from '../core/channel-render.js';
import { createHarness, type Harness } from './support/harness.js';
import { fixture } from './support/fixtures.js';
import { rawMail, trustedPass } from './support/mail.js';
import { askQuestion } from './support/steps.js';

const authenticated = (raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`Authentication-Results: ${trustedPass()[1]}\r\n`), raw]);

async function waitingThread(h: Harness): Promise<ThreadId> {
  const outcome = await h.intake.receive({
    raw: rawMail({ from: 'Alice Example <alice@example.com>', headers: [trustedPass()], messageId: '<first@example.com>' }),
    source: 'test',
  });
  if (outcome.kind !== 'started') throw new Error(`expected a new thread, got ${JSON.stringify(outcome)}`);
  await askQuestion(h, outcome.threadId, 'Which team should I file the export bug under: Platform or Billing?');
  return outcome.threadId;
}

const lastPart = (context: string): string => context.split('\n\n<').map((p, i) => (i === 0 ? p : `<${p}`)).at(-1) ?? '';

/** A reply with one text/plain attachment, as Thunderbird sends a log file. */
function replyWithTextFile(filename: string, content: string): Buffer {
  const boundary = '------------0Hq3XyBh7Ykz1cT8v2Wm5Rd';
  const lines = [
    'From: Alice Example <alice@example.com>',
    'To: Linear Assistant <assistant@hardway.test>',
    'Subject: Re: Export bug for ACME',
    'Date: Mon, 3 Mar 2025 11:30:00 +0100',
    'Message-ID: <0f3a9c1e-log@example.com>',
    'In-Reply-To: <first@example.com>',
    'References: <first@example.com>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    'The export log is attached.',
    '',
    `--${boundary}`,
    `Content-Type: text/plain; charset=UTF-8; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(content, 'utf8').toString('base64').match(/.{1,76}/g) ?? []),
    '',
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

describe('reply attachments (#9.14)', () => {
  it('#9.14: an Apple Mail reply with a PNG and a PDF carries both into the thread and the rendered context', async () => {
    const h = createHarness();
    const threadId = await waitingThread(h);
    const outcome = await h.intake.receive({ raw: authenticated(fixture('apple-mail-reply-attachments.eml')), source: 'test' });
    expect(outcome).toEqual({ kind: 'resumed', threadId, event: 'human_replied' });

    const events = (await h.store.load(threadId))?.events ?? [];
    expect(events.at(-1)?.data).toEqual({
      from: 'alice@example.com',
      channel: 'email',
      message: 'Platform. Here is what I see, and the invoice that came out short.\n\n\n\n\n\n\nAlice',
      messageId: '<8E2B4C1D-3F5A-4B6C-9D7E-1A2B3C4D5E6F@example.com>',
      attachments: [
        { filename: 'export-error.png', contentType: 'image/png', size: 497 },
        { filename: 'invoice-2025-0042.pdf', contentType: 'application/pdf', size: 624 },
      ],
    });
    const reply = lastPart(renderContext(events));
    expect(reply).toMatch(/^<human_response>\n    message: "Platform\. Here is what I see/);
    expect(reply).toContain(
      [
        '    attachments:',
        '      - file: "export-error.png (image/png, 497 bytes)"',
        '      - file: "invoice-2025-0042.pdf (application/pdf, 624 bytes)"',
        '</human_response>',
      ].join('\n'),
    );
    // Never the bytes: the PNG's and the PDF's base64 stay out of the thread.
    expect(JSON.stringify(events)).not.toContain('iVBORw0KGgo');
    expect(JSON.stringify(events)).not.toContain('JVBERi0');
  });

  it('#9.14: the text of a text attachment reaches the context, for the first email and for a reply', async () => {
    const h = createHarness();
    const started = await h.intake.receive({ raw: authenticated(fixture('gmail-forward.eml')), source: 'test' });
    if (started.kind !== 'started') throw new Error(`expected a new thread, got ${JSON.stringify(started)}`);
    const first = await h.store.load(started.threadId);
    expect(renderContext(first?.events ?? [])).toContain(
      'Attachments: export-sample.csv (text/csv, 37 bytes)\n    Attachment export-sample.csv: id,name,amount\n        1,ACME,100\n        2,ACME,200\n',
    );

    const h2 = createHarness();
    const threadId = await waitingThread(h2);
    const log = 'ERROR export stopped at row 10000\nERROR retry 1 failed\n';
    expect(await h2.intake.receive({ raw: authenticated(replyWithTextFile('export.log', log)), source: 'test' })).toMatchObject({
      kind: 'resumed',
      event: 'human_replied',
    });
    const events = (await h2.store.load(threadId))?.events ?? [];
    expect(events.at(-1)?.data).toMatchObject({
      message: 'The export log is attached.',
      attachments: [{ filename: 'export.log', contentType: 'text/plain', size: Buffer.byteLength(log), text: log.trim() }],
    });
    const reply = lastPart(renderContext(events));
    expect(reply).toContain(`    attachments:\n      - file: "export.log (text/plain, ${Buffer.byteLength(log)} bytes)"\n        text: "ERROR export stopped at row 10000`);
    expect(reply).toMatch(/ERROR retry 1 failed"\n<\/human_response>$/);
  });

  it('#9.14: a large text attachment is cut to its bound, with a visible marker', async () => {
    const h = createHarness();
    const threadId = await waitingThread(h);
    const line = 'INFO row exported\n';
    const log = line.repeat(2000);
    await h.intake.receive({ raw: authenticated(replyWithTextFile('big.log', log)), source: 'test' });
    const last = (await h.store.load(threadId))?.events.at(-1);
    if (last?.type !== 'human_replied') throw new Error('expected human_replied');
    const text = last.data.attachments?.[0]?.text ?? '';
    expect(text.startsWith(line.repeat(10))).toBe(true);
    expect(text.endsWith(`\n… [cut: the file is ${log.length} bytes]`)).toBe(true);
    expect(text.length).toBeLessThan(ATTACHMENT_TEXT_LIMITS.each + 60);
  });
});
