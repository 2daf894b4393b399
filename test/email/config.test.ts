// Email settings: parsed and typed from the environment, with errors that name the setting and never its value.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readEmailConfig } from '../../src/channels/email/config.js';
import { secrets, testEnv } from './support/harness.js';

describe('email config', () => {
  it('reads addresses, lists, IMAP and SMTP URLs', () => {
    const result = readEmailConfig(
      testEnv({
        ALLOWED_SENDERS: 'Alice@Example.com; @partner.test\nbob@example.com',
        APPROVERS: 'boss@example.com',
        IMAP_URL: 'imaps://assistant%40hardway.test:p%40ss@imap.hardway.test/Assistant',
        SMTP_URL: 'smtps://user:pass@smtp.hardway.test:465',
      }),
    );
    if (!result.ok) throw new Error(result.problem);
    const c = result.config;
    expect(c.allowedSenders).toEqual(['alice@example.com', '@partner.test', 'bob@example.com']);
    expect(c.approvers).toEqual(['boss@example.com']);
    expect(c.imap).toMatchObject({ host: 'imap.hardway.test', port: 993, secure: true, user: 'assistant@hardway.test', mailbox: 'Assistant' });
    expect(c.imap?.password.reveal()).toBe('p@ss');
    expect(c.maxBytes).toBe(65536);
    expect(c.approvalLinkTtlMs).toBe(72 * 3600 * 1000);
  });

  it('secrets never print: not in JSON, not in util.inspect, not in errors', () => {
    const result = readEmailConfig(testEnv({ SMTP_URL: 'smtp://user:smtp-password-xyz@localhost:25' }));
    if (!result.ok) throw new Error(result.problem);
    const printed = `${JSON.stringify(result.config)} ${inspect(result.config, { depth: 5 })}`;
    for (const secret of [secrets.token, secrets.webhook, secrets.postmark, 'smtp-password-xyz']) expect(printed).not.toContain(secret);
    const bad = readEmailConfig(testEnv({ EMAIL_TOKEN_SECRET: 'short-secret-value' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problem).toContain('EMAIL_TOKEN_SECRET');
      expect(bad.problem).not.toContain('short-secret-value');
    }
  });

  it('rejects an allow-list entry that is neither an address nor @domain, and half a DKIM setup', () => {
    expect(readEmailConfig(testEnv({ ALLOWED_SENDERS: 'example.com' }))).toMatchObject({ ok: false });
    expect(readEmailConfig(testEnv({ ALLOWED_SENDERS: '' }))).toMatchObject({ ok: false });
    expect(readEmailConfig(testEnv({ DKIM_DOMAIN: 'hardway.test' }))).toMatchObject({ ok: false, problem: expect.stringContaining('DKIM') as string });
    expect(readEmailConfig(testEnv({ IMAP_URL: 'imap://imap.hardway.test/INBOX' }))).toMatchObject({ ok: false, problem: expect.stringContaining('IMAP_URL') as string });
  });
});
