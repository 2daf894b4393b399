// The whole loop over real wires: mail into Dovecot → IMAP source → thread → notifier over SMTP → reply → same thread.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailIntake } from '../../src/channels/email/inbound/intake.js';
import { createFileCursorStore } from '../../src/channels/email/inbound/imap-cursor-store.js';
import { createImapSource, type ImapSource } from '../../src/channels/email/inbound/imap-source.js';
import type { IntakeOutcome } from '../../src/channels/email/inbound/intake.js';
import { createSmtpMailer } from '../../src/channels/email/outbound/mailer.js';
import { createEmailNotifier } from '../../src/channels/email/outbound/notifier.js';
import { Secret } from '../../src/channels/shared/secret.js';
import { matchReplyAddress } from '../../src/channels/email/thread-token.js';
import { sequentialIds, type ThreadId } from '../../src/core/ids.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { findDovecot, startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { allThreads, fixedClock, recordingLogger, testConfig, threadService } from './support/harness.js';
import { rawMail, trustedPass } from './support/mail.js';
import { askQuestion } from './support/steps.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { emailOf } from '../../src/channels/email/email-received.js';

const dovecotBinary = findDovecot();

if (dovecotBinary === undefined && process.env.CI === 'true') {
  describe('Dovecot IMAP integration', () => {
    it('needs dovecot-imapd and dovecot-lmtpd installed', () => {
      throw new Error('CI=true but dovecot was not found: apt-get install -y dovecot-imapd dovecot-lmtpd');
    });
  });
} else if (dovecotBinary === undefined) {
  console.warn(
    '\n\n  !!! Dovecot is not installed: the IMAP integration tests are SKIPPED.\n' +
      '  !!! Install it to run them: apt-get install -y dovecot-imapd dovecot-lmtpd\n\n',
  );
  describe.skip('Dovecot IMAP integration (dovecot not installed)', () => {
    it('runs against a real Dovecot', () => {});
  });
} else {
  describe('Dovecot IMAP integration', integration);
}

function integration(): void {
  const mailbox = { user: 'assistant@hardway.test', password: 'imap-password-1234' };
  let dovecot: Dovecot;
  let smtp: SmtpReceiver;
  let store: ThreadStore;
  let cursorDir: string;
  let source: ImapSource | undefined;
  const outcomes: Array<{ uid: number; outcome: IntakeOutcome }> = [];
  const logger = recordingLogger();
  const clock = fixedClock();
  const ids = sequentialIds();

  beforeAll(async () => {
    dovecot = await startDovecot({ ...mailbox, mailboxes: ['Processed'] });
    smtp = await startSmtpReceiver();
    store = openSqliteStore({ path: ':memory:', clock, humanIntents: linearIntentsForEveryAgent });
    cursorDir = await mkdtemp(join(tmpdir(), 'hardway-cursor-'));
  });

  afterAll(async () => {
    await source?.stop();
    await smtp?.close();
    await store?.close();
    await dovecot?.stop();
    if (cursorDir) await rm(cursorDir, { recursive: true, force: true });
  });

  const config = (extra: Record<string, string> = {}) =>
    testConfig({
      IMAP_URL: `imap://${encodeURIComponent(mailbox.user)}:${mailbox.password}@127.0.0.1:${dovecot.imapPort}/INBOX`,
      IMAP_POLL_SECONDS: '30',
      SMTP_URL: smtp.url,
      ...extra,
    });

  function startSource(extra: Record<string, string> = {}): ImapSource {
    const c = config(extra);
    const intake = createEmailIntake({ intake: threadService({ store, config: c, ids, clock }), store, config: c, agent: 'linear-assistant', logger });
    if (c.imap === undefined) throw new Error('no IMAP settings');
    const s = createImapSource({
      settings: c.imap,
      intake,
      cursors: createFileCursorStore(join(cursorDir, 'imap-cursors.json')),
      logger,
      maxBytes: c.maxBytes,
      backoff: { baseMs: 50, maxMs: 500 },
      onProcessed: (e) => outcomes.push(e),
    });
    s.start();
    return s;
  }

  async function processed(count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (outcomes.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} processed messages, got ${outcomes.length}\n${await dovecot.log()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A second IMAP client, as a person's mail program would be. */
  async function withImap<T>(use: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapPort, secure: false, auth: { user: mailbox.user, pass: mailbox.password }, logger: false });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.logout();
    }
  }

  async function imapFlags(): Promise<Array<{ uid: number; seen: boolean }>> {
    return withImap(async (client) => {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const all = await client.fetchAll('1:*', { uid: true, flags: true });
      return all.map((m) => ({ uid: m.uid, seen: m.flags?.has('\\Seen') ?? false }));
    });
  }

  let threadId: ThreadId;
  let question: Awaited<ReturnType<typeof simpleParser>>;

  it('mail delivered to the mailbox starts a thread (found through IDLE), and is marked \\Seen', async () => {
    source = startSource();
    const first = rawMail({
      from: 'Alice Example <alice@example.com>',
      to: 'Linear Assistant <assistant@hardway.test>',
      headers: [trustedPass()],
      subject: 'Export bug for ACME',
      messageId: '<first-imap@example.com>',
      body: 'The CSV export for ACME drops every row after 10,000. Please file a bug.',
    });
    await dovecot.deliver(first, { mailFrom: 'alice@example.com' });
    await processed(1);
    expect(outcomes[0]?.outcome.kind).toBe('started');
    const [thread] = await allThreads(store);
    if (thread === undefined) throw new Error('no thread');
    threadId = thread.id;
    const started = thread.events[0];
    expect(started?.type).toBe('message_received');
    expect(started?.type === 'message_received' ? emailOf(started.data) : undefined).toMatchObject({
      from: { address: 'alice@example.com' },
      subject: 'Export bug for ACME',
      messageId: '<first-imap@example.com>',
    });
    expect(await imapFlags()).toEqual([{ uid: 1, seen: true }]);
    const cursor = JSON.parse(await readFile(join(cursorDir, 'imap-cursors.json'), 'utf8')) as Record<string, { lastUid: number }>;
    expect(Object.values(cursor)[0]?.lastUid).toBe(1);
  });

  it("the assistant's question arrives over SMTP threaded under the original mail", async () => {
    const c = config();
    if (c.smtpUrl === undefined) throw new Error('no SMTP');
    const mailer = createSmtpMailer({ smtpUrl: c.smtpUrl });
    const notifier = createEmailNotifier({ store, mailer, config: c, ids, clock, logger, humanIntents: linearIntentsForEveryAgent });
    await askQuestion({ store, ids, clock }, threadId, 'Which team should own this: Platform or Billing?');
    expect(await notifier.notify(threadId)).toMatchObject({ kind: 'notified' });
    mailer.close();
    const [received] = await smtp.waitFor(1);
    if (received === undefined) throw new Error('nothing received');
    expect(received.rcptTo).toEqual(['alice@example.com']);
    question = await simpleParser(received.raw);
    expect(question.subject).toBe('Re: Export bug for ACME');
    expect(question.inReplyTo).toBe('<first-imap@example.com>');
    expect([question.references].flat()).toContain('<first-imap@example.com>');
    expect(question.headers.get('auto-submitted')).toBe('auto-replied');
    const replyTo = question.replyTo?.value[0]?.address ?? '';
    expect(matchReplyAddress(replyTo, c.address, c.tokenSecret)).toEqual({ kind: 'valid', threadId });
    expect(matchReplyAddress(replyTo, c.address, new Secret('x'.repeat(40)))).toEqual({ kind: 'invalid' });
    expect(question.text).toContain('Which team should own this: Platform or Billing?');
    expect(question.messageId).toMatch(/@hardway\.test>$/);
  });

  it("the person's reply, delivered to Dovecot, resumes the same thread", async () => {
    const replyTo = question.replyTo?.value[0]?.address ?? '';
    const reply = rawMail({
      from: 'Alice Example <alice@example.com>',
      to: replyTo,
      headers: [trustedPass()],
      subject: 'Re: Export bug for ACME',
      messageId: '<reply-imap@example.com>',
      inReplyTo: question.messageId ?? '',
      references: `<first-imap@example.com> ${question.messageId ?? ''}`,
      body: 'Platform, please.\n\nOn Mon, 3 Mar 2025 at 11:12, Linear Assistant <assistant@hardway.test> wrote:\n> Which team should own this: Platform or Billing?\n',
    });
    await dovecot.deliver(reply, { mailFrom: 'alice@example.com' });
    await processed(2);
    expect(outcomes[1]?.outcome).toEqual({ kind: 'resumed', threadId, event: 'human_replied' });
    const thread = await store.load(threadId);
    expect(thread?.events.at(-1)).toMatchObject({ type: 'human_replied', data: { from: 'alice@example.com', channel: 'email', message: 'Platform, please.' } });
    expect(await allThreads(store)).toHaveLength(1);

    // The same message delivered a second time changes nothing.
    const before = thread?.events.length;
    await dovecot.deliver(reply, { mailFrom: 'alice@example.com' });
    await processed(3);
    expect(outcomes[2]?.outcome).toEqual({ kind: 'duplicate' });
    expect((await store.load(threadId))?.events.length).toBe(before);
    expect(await allThreads(store)).toHaveLength(1);
    expect((await imapFlags()).every((m) => m.seen)).toBe(true);
  });

  it('a spoofed message and an auto-reply in the mailbox start nothing and send nothing', async () => {
    const sentBefore = smtp.messages.length;
    await dovecot.deliver(rawMail({ from: 'alice@example.com', headers: [['Authentication-Results', 'mx.hardway.test; dmarc=fail header.from=example.com']] }));
    await dovecot.deliver(rawMail({ from: 'alice@example.com', headers: [trustedPass(), ['Auto-Submitted', 'auto-replied']] }));
    await processed(5);
    expect(outcomes.slice(3).map((o) => o.outcome)).toEqual([
      expect.objectContaining({ kind: 'dropped', reason: 'dmarc_failed' }),
      expect.objectContaining({ kind: 'dropped', reason: 'auto_submitted' }),
    ]);
    expect(await allThreads(store)).toHaveLength(1);
    expect(smtp.messages.length).toBe(sentBefore);
  });

  it('stop() logs out cleanly; a restart resumes from the cursor; a UIDVALIDITY change rescans harmlessly', async () => {
    const loggedOut = async () => (await dovecot.log()).split('\n').filter((l) => l.includes('Disconnected: Logged out')).length;
    const before = await loggedOut();
    await source?.stop();
    source = undefined;
    // stop() resolves only after LOGOUT: Dovecot has already logged the clean disconnect.
    await new Promise((r) => setTimeout(r, 100));
    expect(await loggedOut()).toBe(before + 1);
    const eventsBefore = (await store.load(threadId))?.events.length;

    // Restart with the saved cursor: nothing old is read again.
    source = startSource();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(outcomes).toHaveLength(5);
    await source.stop();

    // Pretend the server renumbered the mailbox: a scan from the start skips \Seen mail and reads the rest again,
    // where the Message-ID dedupe and the same checks as before make it harmless.
    const cursors = createFileCursorStore(join(cursorDir, 'imap-cursors.json'));
    const key = `${mailbox.user}@127.0.0.1:${dovecot.imapPort}/INBOX`;
    const saved = await cursors.load(key);
    expect(saved?.lastUid).toBe(5);
    await cursors.save(key, { uidValidity: '1', lastUid: 5 });
    await withImap(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsRemove('2,5', ['\\Seen'], { uid: true });
    });
    source = startSource();
    await processed(7);
    expect(outcomes.slice(5).map((o) => [o.uid, o.outcome.kind])).toEqual([
      [2, 'duplicate'],
      [5, 'dropped'],
    ]);
    await source.stop();
    source = undefined;
    expect(outcomes).toHaveLength(7);
    expect((await store.load(threadId))?.events.length).toBe(eventsBefore);
    expect(logger.entries.some((e) => e.msg.includes('skipped mail already marked'))).toBe(true);
    expect(logger.entries.some((e) => e.msg.includes('UIDVALIDITY changed'))).toBe(true);
  });

  it('with IMAP_MOVE_TO, processed mail is moved out of the inbox', async () => {
    source = startSource({ IMAP_MOVE_TO: 'Processed' });
    await dovecot.deliver(rawMail({ from: 'bob@example.com', headers: [trustedPass()], messageId: '<move-me@example.com>' }));
    await processed(8);
    expect(outcomes[7]?.outcome.kind).toBe('started');
    await source.stop();
    source = undefined;
    await withImap(async (client) => {
      const moved = await client.mailboxOpen('Processed', { readOnly: true });
      expect(moved.exists).toBe(1);
      const inbox = await client.mailboxOpen('INBOX', { readOnly: true });
      const uids = (await client.fetchAll('1:*', { uid: true })).map((m) => m.uid);
      expect(inbox.exists).toBe(5);
      expect(uids).not.toContain(6);
    });
  });
}
