// Mail we must not act on: spoofed, unknown senders, guessed reply addresses, machines. Nothing is stored or sent.
import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import { describe, expect, it } from 'vitest';
import type { ThreadId } from '../../src/core/ids.js';
import { fakeResolver } from './support/fake-dns.js';
import { allThreads, createHarness, type Harness } from './support/harness.js';
import { rawMail, trustedPass } from './support/mail.js';

const attackerHop: [string, string] = [
  'Received',
  'from mail.evil.test (mail.evil.test [203.0.113.66]) by mx.hardway.test (Postfix) with ESMTP id 4Z6X; Mon, 3 Mar 2025 10:58:01 +0000',
];
const realHop: [string, string] = [
  'Received',
  'from mail.example.com (mail.example.com [192.0.2.10]) by mx.hardway.test (Postfix) with ESMTPS id 4Z6Y; Mon, 3 Mar 2025 10:58:01 +0000',
];

const dns = {
  'TXT:_dmarc.example.com': ['v=DMARC1; p=reject; adkim=r; aspf=r'],
  'TXT:example.com': ['v=spf1 ip4:192.0.2.10 -all'],
};

/** Nothing was stored and nothing was (or would be) sent. */
async function expectNoTrace(h: Harness, threadsBefore = 0): Promise<void> {
  const threads = await allThreads(h.store);
  expect(threads).toHaveLength(threadsBefore);
  for (const t of threads) await h.notifier.notify(t.id);
  expect(h.mailer.sent).toEqual([]);
}

describe('sender authentication', () => {
  it('a spoofed From (DMARC p=reject, SPF fails, no DKIM) is dropped', async () => {
    const h = createHarness({ resolver: fakeResolver(dns) });
    const outcome = await h.intake.receive({
      raw: rawMail({ from: 'Alice Example <alice@example.com>', headers: [attackerHop, ['Return-Path', '<alice@example.com>']] }),
      source: 'test',
    });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'dmarc_failed' });
    expect(h.logger.entries.find((e) => e.level === 'warn')?.msg).toContain('dmarc_failed');
    await expectNoTrace(h);
  });

  it('a DKIM-signed, aligned message passes DMARC with mailauth (control for the case above)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const resolver = fakeResolver({
      ...dns,
      'TXT:sel1._domainkey.example.com': [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`],
    });
    const h = createHarness({ resolver });
    const unsigned = rawMail({ from: 'Alice Example <alice@example.com>', headers: [attackerHop, ['Return-Path', '<alice@example.com>']] });
    const key = { signingDomain: 'example.com', selector: 'sel1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const signed = await dkimSign(unsigned, { ...key, signatureData: [key] });
    expect(signed.errors).toEqual([]);
    expect(signed.signatures).toContain('DKIM-Signature:');
    const outcome = await h.intake.receive({ raw: Buffer.concat([Buffer.from(signed.signatures), unsigned]), source: 'test' });
    expect(outcome.kind).toBe('started');
  });

  it('SPF from the real sending host passes DMARC too', async () => {
    const h = createHarness({ resolver: fakeResolver(dns) });
    const outcome = await h.intake.receive({
      raw: rawMail({ from: 'alice@example.com', headers: [realHop, ['Return-Path', '<alice@example.com>']] }),
      source: 'test',
    });
    expect(outcome.kind).toBe('started');
  });

  it('only the topmost Authentication-Results of our own MTA counts: a forged "pass" below it does not', async () => {
    const h = createHarness({ resolver: fakeResolver(dns) });
    const outcome = await h.intake.receive({
      raw: rawMail({
        from: 'alice@example.com',
        headers: [
          ['Authentication-Results', 'mx.hardway.test; spf=fail smtp.mailfrom=example.com; dmarc=fail (p=reject) header.from=example.com'],
          attackerHop,
          trustedPass(),
        ],
      }),
      source: 'test',
    });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'dmarc_failed' });
    await expectNoTrace(h);
  });

  it('an Authentication-Results "pass" from some other server is ignored', async () => {
    const h = createHarness({ resolver: fakeResolver(dns) });
    const outcome = await h.intake.receive({
      raw: rawMail({
        from: 'alice@example.com',
        headers: [attackerHop, ['Authentication-Results', 'mx.evil.test; dmarc=pass header.from=example.com']],
      }),
      source: 'test',
    });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'dmarc_failed' });
  });

  it('a trusted pass for another domain than the From does not count', async () => {
    const h = createHarness();
    const outcome = await h.intake.receive({ raw: rawMail({ from: 'alice@example.com', headers: [trustedPass('evil.test')] }), source: 'test' });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'dmarc_failed' });
  });

  it('a sender not in ALLOWED_SENDERS is dropped, even with DMARC passing', async () => {
    const h = createHarness();
    const outcome = await h.intake.receive({
      raw: rawMail({ from: 'Eve <eve@elsewhere.test>', headers: [trustedPass('elsewhere.test')] }),
      source: 'test',
    });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'sender_not_allowed' });
    await expectNoTrace(h);
  });

  it('an @domain entry does not admit its subdomains', async () => {
    const h = createHarness();
    const outcome = await h.intake.receive({
      raw: rawMail({ from: 'eve@evil.example.com', headers: [trustedPass('evil.example.com')] }),
      source: 'test',
    });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'sender_not_allowed' });
  });
});

describe('reply addresses', () => {
  async function withThread(): Promise<{ h: Harness; threadId: ThreadId; events: number }> {
    const h = createHarness();
    const outcome = await h.intake.receive({ raw: rawMail({ from: 'alice@example.com', headers: [trustedPass()] }), source: 'test' });
    if (outcome.kind !== 'started') throw new Error('not started');
    return { h, threadId: outcome.threadId, events: (await h.store.load(outcome.threadId))?.events.length ?? 0 };
  }

  it.each([
    ['a guessed signature', 'assistant+thr_1.0123456789abcdef0123456789abcdef@hardway.test'],
    ['no signature at all', 'assistant+thr_1@hardway.test'],
    ['a signature for another thread', 'assistant+thr_2.0123456789abcdef0123456789abcdef@hardway.test'],
    ['garbage', 'assistant+../../etc@hardway.test'],
  ])('%s: dropped, never a new thread and never the named one', async (_label, to) => {
    const { h, threadId, events } = await withThread();
    const outcome = await h.intake.receive({
      raw: rawMail({ from: 'alice@example.com', to, headers: [trustedPass()], body: 'approve' }),
      source: 'test',
    });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'invalid_reply_address' });
    expect((await h.store.load(threadId))?.events).toHaveLength(events);
    await expectNoTrace(h, 1);
  });
});

describe('loop prevention', () => {
  it.each<[string, Array<[string, string]>, string, string]>([
    ['an auto-reply', [['Auto-Submitted', 'auto-replied']], 'alice@example.com', 'auto_submitted'],
    ['an auto-generated notice', [['Auto-Submitted', 'auto-generated; owner-email="x@example.com"']], 'alice@example.com', 'auto_submitted'],
    ['an old-style vacation reply', [['X-Autoreply', 'yes']], 'alice@example.com', 'auto_submitted'],
    ['bulk mail', [['Precedence', 'bulk']], 'alice@example.com', 'bulk'],
    ['list mail', [['Precedence', 'list']], 'alice@example.com', 'bulk'],
    ['a bounce from MAILER-DAEMON', [['Return-Path', '<>']], 'Mail Delivery System <MAILER-DAEMON@example.com>', 'bounce'],
    ['a bounce from postmaster', [], 'postmaster@example.com', 'bounce'],
    ['an empty return path', [['Return-Path', '<>']], 'alice@example.com', 'bounce'],
  ])('%s is dropped without a trace', async (_label, headers, from, reason) => {
    const h = createHarness();
    const outcome = await h.intake.receive({ raw: rawMail({ from, headers: [trustedPass(), ...headers] }), source: 'test' });
    expect(outcome).toMatchObject({ kind: 'dropped', reason });
    await expectNoTrace(h);
  });

  it('Auto-Submitted: no is a person', async () => {
    const h = createHarness();
    const outcome = await h.intake.receive({ raw: rawMail({ from: 'alice@example.com', headers: [trustedPass(), ['Auto-Submitted', 'no']] }), source: 'test' });
    expect(outcome.kind).toBe('started');
  });

  it('mail from the assistant itself is dropped', async () => {
    const h = createHarness({ env: { ALLOWED_SENDERS: '@example.com, @hardway.test' } });
    const outcome = await h.intake.receive({ raw: rawMail({ from: 'assistant@hardway.test', headers: [trustedPass('hardway.test')] }), source: 'test' });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'own_message' });
  });

  it('a message over the size limit is refused with a clear log line', async () => {
    const h = createHarness({ env: { EMAIL_MAX_BYTES: '2048' } });
    const outcome = await h.intake.receive({ raw: rawMail({ from: 'alice@example.com', headers: [trustedPass()], body: 'x'.repeat(5000) }), source: 'test' });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'too_large' });
    expect(h.logger.entries.find((e) => e.level === 'warn')?.obj).toMatchObject({ reason: 'too_large', detail: expect.stringContaining('the limit is 2048') as string });
    await expectNoTrace(h);
  });

  it('two From addresses are malformed', async () => {
    const h = createHarness();
    const outcome = await h.intake.receive({ raw: rawMail({ from: 'alice@example.com, bob@example.com', headers: [trustedPass()] }), source: 'test' });
    expect(outcome).toMatchObject({ kind: 'dropped', reason: 'malformed' });
  });
});
