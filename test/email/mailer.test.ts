// The SMTP mailer over a real socket: headers as given, and a DKIM signature a receiver can verify.
import { generateKeyPairSync } from 'node:crypto';
import { authenticate } from 'mailauth';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/channels/email/outbound/mailer.js';
import { Secret } from '../../src/channels/shared/secret.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { fakeResolver } from './support/fake-dns.js';

describe('SMTP mailer', () => {
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await smtp.close();
  });

  it('sends the threading headers as given and signs with DKIM when configured', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const mailer = createSmtpMailer({
      smtpUrl: new Secret(smtp.url),
      dkim: { domainName: 'hardway.test', keySelector: 'mail', privateKey: new Secret(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) },
    });
    const receipt = await mailer.send({
      from: { name: 'Linear Assistant', address: 'assistant@hardway.test' },
      to: ['alice@example.com'],
      cc: ['bob@example.com'],
      replyTo: 'assistant+thr_1.abc@hardway.test',
      subject: 'Re: Export bug',
      text: 'Which team?\n',
      html: '<p>Which team?</p>',
      messageId: '<evt_2.thr_1@hardway.test>',
      inReplyTo: '<first@example.com>',
      references: ['<first@example.com>'],
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    mailer.close();
    expect(receipt.accepted).toEqual(['alice@example.com', 'bob@example.com']);
    const [received] = await smtp.waitFor(1);
    if (received === undefined) throw new Error('nothing received');
    const parsed = await simpleParser(received.raw);
    expect(parsed.messageId).toBe('<evt_2.thr_1@hardway.test>');
    expect(parsed.inReplyTo).toBe('<first@example.com>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    const resolver = fakeResolver({
      'TXT:mail._domainkey.hardway.test': [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`],
      'TXT:_dmarc.hardway.test': ['v=DMARC1; p=reject'],
    });
    const result = await authenticate(received.raw, { resolver, ip: '127.0.0.1', sender: 'assistant@hardway.test', disableArc: true, disableBimi: true });
    expect(result.dkim.results[0]?.status.result).toBe('pass');
    expect(result.dmarc && result.dmarc.status.result).toBe('pass');
  });
});
