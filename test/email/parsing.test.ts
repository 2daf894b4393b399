// Parsing real-world layouts: the new text is kept, quotes and signatures go, forwards stay, charsets decode.
import { describe, expect, it } from 'vitest';
import { parseEmail, type ParsedEmail } from '../../src/channels/email/inbound/parse-message.js';
import { splitReply } from '../../src/channels/email/inbound/reply-text.js';
import { fixture } from './support/fixtures.js';

async function parsed(name: string): Promise<ParsedEmail> {
  const result = await parseEmail(fixture(name));
  if (!result.ok) throw new Error(result.problem);
  return result.email;
}

describe('parsing inbound mail', () => {
  it('Gmail reply: keeps the new text and sign-off, reads the quoted "On … wrote:" chain as earlier messages', async () => {
    const email = await parsed('gmail-reply.eml');
    expect(email.from).toEqual({ address: 'alice@example.com', name: 'Alice Example' });
    expect(email.messageId).toBe('<CAHx7Q1vReply+KdP3=aB@mail.gmail.com>');
    expect(email.inReplyTo).toBe('<evt_2.thr_1@hardway.test>');
    expect(email.references).toEqual(['<CAHx7Q1v9=first@mail.gmail.com>', '<evt_2.thr_1@hardway.test>']);
    const { body, previous } = splitReply(email.text, email.subject);
    expect(body).toBe("It's the Platform team, and please set priority to High.\n\nThanks!\nAlice");
    expect(body).not.toContain('wrote:');
    expect(previous).toEqual([
      {
        from: 'Alice Example <alice@example.com>',
        at: 'Mon, 3 Mar 2025 at 10:58',
        body: 'Hi, the CSV export for ACME drops every row after 10,000.\nPlease file a bug.',
      },
      {
        from: 'Linear Assistant <assistant+thr_1.0000@hardway.test>',
        at: 'Mon, 3 Mar 2025 at 11:12',
        body: 'Which team should I file the export bug under: Platform or Billing?',
      },
    ]);
  });

  it('Outlook reply: cuts at -----Original Message----- and reads each From:/Sent: block', async () => {
    const email = await parsed('outlook-reply.eml');
    const { body, previous } = splitReply(email.text, email.subject);
    expect(body).toBe('Billing, please. The customer is on the Enterprise plan.\n\nBob Builder\nHead of Support | Example Inc.\n+1 555 0100');
    expect(previous).toEqual([
      {
        from: 'Bob Builder <bob@example.com>',
        at: 'Monday, March 3, 2025 10:58 AM',
        body: 'The CSV export for ACME drops every row after 10,000.',
      },
      {
        from: 'Linear Assistant <assistant@hardway.test>',
        at: 'Monday, March 3, 2025 11:12 AM',
        body: 'Which team should I file the export bug under: Platform or Billing?',
      },
    ]);
  });

  it('Outlook mobile reply (windows-1252, rule + From:/Sent: block, "Get Outlook for iOS")', async () => {
    const email = await parsed('outlook-web-reply.eml');
    const { body, previous } = splitReply(email.text, email.subject);
    expect(body).toBe('Make it Billing – they own exports now.');
    expect(previous).toEqual([
      {
        from: 'Linear Assistant <assistant@hardway.test>',
        at: 'Monday, March 3, 2025 11:12:03 AM',
        body: 'Which team should I file the export bug under: Platform or Billing?',
      },
    ]);
  });

  it('Apple Mail HTML-only in iso-8859-1: decoded, converted to text, quote removed', async () => {
    const email = await parsed('apple-mail-html-latin1.eml');
    expect(email.from).toEqual({ address: 'chloe@example.com', name: 'Chloé Dupré' });
    expect(email.subject).toBe('Re: Résumé export à Zürich');
    expect(email.text).toContain('Le café de Zürich a besoin du résumé naïf');
    const { body, previous } = splitReply(email.text, email.subject);
    expect(body).toContain("Le café de Zürich a besoin du résumé naïf, s'il vous plaît.");
    expect(body).toContain('Priorité : haute. Merci & bonne journée !');
    expect(body).not.toContain('Which team');
    expect(body).not.toContain('<');
    expect(previous).toEqual([
      {
        from: 'Linear Assistant <assistant@hardway.test>',
        at: '3 Mar 2025, at 11:12',
        body: 'Which team should I file the export bug under: Platform or Billing?',
      },
    ]);
  });

  it('iPhone reply: "Sent from my iPhone" and the quote are stripped, emoji kept', async () => {
    const email = await parsed('iphone-reply.eml');
    const { body, previous } = splitReply(email.text, email.subject);
    expect(body).toBe('Platform. Thanks 👍');
    expect(previous).toEqual([
      {
        from: 'Linear Assistant <assistant@hardway.test>',
        at: 'Mar 3, 2025, at 11:12',
        body: 'Which team should I file the export bug under: Platform or Billing?',
      },
    ]);
  });

  it('forwarded message: the forwarded content is the request and stays in the body, sign-off included', async () => {
    const email = await parsed('gmail-forward.eml');
    const { body, previous } = splitReply(email.text, email.subject);
    expect(body).toContain('Can you file this for the Platform team?');
    expect(body).toContain('---------- Forwarded message ---------');
    expect(body).toContain('From: Carol Customer <carol@customer.test>');
    expect(body).toContain('Since Friday the CSV export stops after 10,000 rows.');
    expect(body).toContain('Best regards,\nCarol');
    expect(previous).toEqual([]);
    expect(email.attachments).toEqual([
      { filename: 'export-sample.csv', contentType: 'text/csv', size: 37, text: 'id,name,amount\n1,ACME,100\n2,ACME,200' },
    ]);
  });

  it('a new message with no quotes is kept whole', () => {
    const { body, previous } = splitReply('Please create an issue for the broken login.\n\nThanks,\nSam\n');
    expect(body).toBe('Please create an issue for the broken login.\n\nThanks,\nSam');
    expect(previous).toEqual([]);
  });

  it('an Outlook forward (FW:, no marker line) keeps the forwarded block', () => {
    const text = 'See below.\n\n________________________________\nFrom: Carol <carol@customer.test>\nSent: Monday, March 3, 2025 9:00 AM\nTo: Bob <bob@example.com>\nSubject: Export\n\nThe export is broken.\n';
    const { body } = splitReply(text, 'FW: Export');
    expect(body).toContain('See below.');
    expect(body).toContain('The export is broken.');
  });

  it('hostile megabyte lines are handled in bounded time, and a long new message is kept whole', () => {
    const started = Date.now();
    splitReply(`On ${'a, '.repeat(1_000_000)}\nbody`);
    splitReply(`hi\n${'> '.repeat(1_000_000)}`);
    const long = `${'A long report line.\n'.repeat(3000)}\nOn Mon, 3 Mar 2025, Bob <bob@example.com> wrote:\n> old\n`;
    const { body, previous } = splitReply(long);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(body.split('\n')).toHaveLength(3000);
    expect(previous).toEqual([{ from: 'Bob <bob@example.com>', at: 'Mon, 3 Mar 2025', body: 'old' }]);
  });
});
