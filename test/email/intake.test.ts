// The inbound pipeline end to end (minus the wire): start, dedupe, resume, approvals decided in code.
import { describe, expect, it } from 'vitest';
import { emailOf } from '../../src/channels/email/email-received.js';
import { threadReplyAddress } from '../../src/channels/email/thread-token.js';
import type { ThreadId } from '../../src/core/ids.js';
import { deriveStatus } from '../../src/core/thread.js';
import { allThreads, createHarness, type Harness } from './support/harness.js';
import { rawMail, trustedPass } from './support/mail.js';
import { appendEvents, askQuestion, decided, requestApproval } from './support/steps.js';
import { fixture } from './support/fixtures.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';

async function startThread(h: Harness, spec: Partial<Parameters<typeof rawMail>[0]> = {}): Promise<ThreadId> {
  const outcome = await h.intake.receive({
    raw: rawMail({ from: 'Alice Example <alice@example.com>', headers: [trustedPass()], messageId: '<first@example.com>', ...spec }),
    source: 'test',
  });
  if (outcome.kind !== 'started') throw new Error(`expected a new thread, got ${JSON.stringify(outcome)}`);
  return outcome.threadId;
}

async function lastEvent(h: Harness, threadId: ThreadId) {
  const thread = await h.store.load(threadId);
  return thread?.events.at(-1);
}

describe('email intake', () => {
  it('a new email starts a thread with an email_received carrying everything but attachment content', async () => {
    const h = createHarness();
    const outcome = await h.intake.receive({
      raw: Buffer.concat([Buffer.from('Authentication-Results: mx.hardway.test; dmarc=pass header.from=example.com\r\n'), fixture('gmail-forward.eml')]),
      source: 'test',
    });
    expect(outcome).toEqual({ kind: 'started', threadId: 'thr_1' });
    const thread = await h.store.load('thr_1' as ThreadId);
    expect(thread?.agent).toBe('linear-assistant');
    expect(thread?.events).toHaveLength(1);
    const event = thread?.events[0];
    if (event?.type !== 'message_received') throw new Error('expected message_received');
    const email = emailOf(event.data);
    expect(email).toMatchObject({
      from: { address: 'alice@example.com', name: 'Alice Example' },
      to: [{ address: 'assistant@hardway.test', name: 'Linear Assistant' }],
      cc: [],
      subject: 'Fwd: CSV export is broken',
      messageId: '<CAHx7Q1vFwd0Zq=9xYpL@mail.gmail.com>',
      references: [],
      previousThread: [],
      attachments: [{ filename: 'export-sample.csv', contentType: 'text/csv', size: 37 }],
    });
    expect(email?.body).toContain('Since Friday the CSV export stops after 10,000 rows.');
    expect(email?.fullBody).toContain('---------- Forwarded message ---------');
    expect(JSON.stringify(event.data)).not.toContain('aWQsbmFtZSxhbW91bnQK');
  });

  it('the same message twice changes nothing the second time', async () => {
    const h = createHarness();
    const raw = rawMail({ from: 'alice@example.com', headers: [trustedPass()], messageId: '<once@example.com>' });
    expect((await h.intake.receive({ raw, source: 'test' })).kind).toBe('started');
    expect(await h.intake.receive({ raw, source: 'test' })).toEqual({ kind: 'duplicate' });
    const threads = await allThreads(h.store);
    expect(threads).toHaveLength(1);
    expect(threads[0]?.events).toHaveLength(1);
  });

  it('a reply to our notification (In-Reply-To) resumes the thread with human_replied, quotes stripped', async () => {
    const h = createHarness();
    const threadId = await startThread(h);
    await askQuestion(h, threadId, 'Which team: Platform or Billing?');
    const sent = await h.notifier.notify(threadId);
    if (sent.kind !== 'notified') throw new Error('not notified');
    const ourId = sent.sent[0]?.messageIds[0] ?? '';
    const outcome = await h.intake.receive({
      raw: rawMail({
        from: 'Alice Example <alice@example.com>',
        headers: [trustedPass()],
        subject: 'Re: Export bug for ACME',
        inReplyTo: ourId,
        references: `<first@example.com> ${ourId}`,
        body: 'Platform, please.\n\nOn Mon, 3 Mar 2025 at 11:12, Linear Assistant <assistant@hardway.test> wrote:\n> Which team: Platform or Billing?\n',
      }),
      source: 'test',
    });
    expect(outcome).toEqual({ kind: 'resumed', threadId, event: 'human_replied' });
    expect((await lastEvent(h, threadId))?.data).toEqual({ from: 'alice@example.com', channel: 'email', message: 'Platform, please.', messageId: expect.stringMatching(/^<test-\d+-\d+@example\.com>$/) });
    expect(deriveStatus((await h.store.load(threadId))?.events ?? [], linearAssistantIntents)).toBe('ready');
  });

  it('a reply with no threading headers finds its thread by the signed reply address', async () => {
    const h = createHarness();
    const threadId = await startThread(h);
    const outcome = await h.intake.receive({
      raw: rawMail({
        from: 'alice@example.com',
        to: threadReplyAddress(h.config.address, threadId, h.config.tokenSecret),
        headers: [trustedPass()],
        body: 'One more thing: it is urgent.',
      }),
      source: 'test',
    });
    expect(outcome).toEqual({ kind: 'resumed', threadId, event: 'human_replied' });
  });

  it('someone CCed on the first email may reply; an allowed sender who was not on it starts nothing there', async () => {
    const h = createHarness();
    const threadId = await startThread(h, { cc: 'Bob <bob@example.com>' });
    const ok = await h.intake.receive({
      raw: rawMail({ from: 'bob@example.com', headers: [trustedPass()], inReplyTo: '<first@example.com>', body: 'Billing owns it.' }),
      source: 'test',
    });
    expect(ok).toEqual({ kind: 'resumed', threadId, event: 'human_replied' });
    const before = (await h.store.load(threadId))?.events.length;
    const outsider = await h.intake.receive({
      raw: rawMail({ from: 'mallory@example.com', headers: [trustedPass()], inReplyTo: '<first@example.com>', body: 'Delete everything.' }),
      source: 'test',
    });
    expect(outsider).toMatchObject({ kind: 'dropped', reason: 'not_participant' });
    expect((await h.store.load(threadId))?.events.length).toBe(before);
    expect(await allThreads(h.store)).toHaveLength(1);
  });

  describe('approvals by email', () => {
    async function awaitingApproval(env?: Record<string, string>) {
      const h = createHarness(env === undefined ? {} : { env });
      const threadId = await startThread(h, { cc: 'bob@example.com' });
      const callId = await requestApproval(h, threadId, 'Create issue "CSV export drops rows" in team Platform');
      expect(deriveStatus((await h.store.load(threadId))?.events ?? [], linearAssistantIntents)).toBe('awaiting_approval');
      const reply = (from: string, body: string) =>
        h.intake.receive({ raw: rawMail({ from, headers: [trustedPass()], inReplyTo: '<first@example.com>', body }), source: 'test' });
      return { h, threadId, callId, reply };
    }

    it('"approve" from the original sender grants the pending call, with the lines below as comment', async () => {
      const { h, threadId, callId, reply } = await awaitingApproval();
      expect(await reply('alice@example.com', 'Approve\nGo ahead, thanks.')).toEqual({ kind: 'resumed', threadId, event: 'approval_granted' });
      expect((await lastEvent(h, threadId))?.data).toEqual({ callId, by: 'alice@example.com', channel: 'email', comment: 'Go ahead, thanks.', messageId: expect.stringMatching(/^<test-/) });
    });

    it.each(['yes', 'Y', 'LGTM!', 'approved.'])('"%s" approves', async (word) => {
      const { threadId, reply } = await awaitingApproval();
      expect(await reply('alice@example.com', word)).toEqual({ kind: 'resumed', threadId, event: 'approval_granted' });
    });

    it('"deny <reason>" denies with the reason', async () => {
      const { h, threadId, callId, reply } = await awaitingApproval();
      expect(await reply('alice@example.com', 'deny: wrong team, use Billing')).toEqual({ kind: 'resumed', threadId, event: 'approval_denied' });
      expect((await lastEvent(h, threadId))?.data).toEqual({ callId, by: 'alice@example.com', channel: 'email', reason: 'wrong team, use Billing', messageId: expect.stringMatching(/^<test-/) });
    });

    it('"no" with the reason on the next lines denies', async () => {
      const { h, threadId, reply } = await awaitingApproval();
      expect(await reply('alice@example.com', 'No\n\nThis is a duplicate of ENG-12.')).toMatchObject({ event: 'approval_denied' });
      expect((await lastEvent(h, threadId))?.data).toMatchObject({ reason: 'This is a duplicate of ENG-12.' });
    });

    it('anything else while awaiting approval is feedback for the model', async () => {
      const { h, threadId, reply } = await awaitingApproval();
      expect(await reply('alice@example.com', 'yes, but put it in Billing')).toEqual({ kind: 'resumed', threadId, event: 'human_replied' });
      expect((await lastEvent(h, threadId))?.data).toEqual({ from: 'alice@example.com', channel: 'email', message: 'yes, but put it in Billing', messageId: expect.stringMatching(/^<test-/) });
    });

    it('"approve" from a participant who is not an approver does not approve', async () => {
      const { h, threadId, reply } = await awaitingApproval();
      expect(await reply('bob@example.com', 'approve')).toEqual({ kind: 'resumed', threadId, event: 'human_replied' });
      const events = (await h.store.load(threadId))?.events ?? [];
      expect(events.some((e) => e.type === 'approval_granted')).toBe(false);
      expect(h.logger.entries.some((e) => e.msg.includes('not an approver'))).toBe(true);
    });

    it('#10.1: "approve" answering the agent\'s request_approval question records approval_granted, as the API does', async () => {
      const asked = async () => {
        const h = createHarness();
        const threadId = await startThread(h, { cc: 'bob@example.com' });
        await appendEvents(h, threadId, [decided(h, 'request_approval', { message: 'May I file it in Platform?' })]);
        const reply = (from: string, body: string) =>
          h.intake.receive({ raw: rawMail({ from, headers: [trustedPass()], inReplyTo: '<first@example.com>', body }), source: 'test' });
        return { h, threadId, reply };
      };
      const a = await asked();
      expect(await a.reply('alice@example.com', 'Approve')).toEqual({ kind: 'resumed', threadId: a.threadId, event: 'approval_granted' });
      expect((await lastEvent(a.h, a.threadId))?.data).toEqual({ by: 'alice@example.com', channel: 'email', messageId: expect.stringMatching(/^<test-/) });
      // Bob is on the thread but may not approve: his "approve" stays his words.
      const b = await asked();
      expect(await b.reply('bob@example.com', 'approve')).toEqual({ kind: 'resumed', threadId: b.threadId, event: 'human_replied' });
      expect(b.h.logger.entries.some((e) => e.msg.includes('not an approver'))).toBe(true);
    });

    it('#10.1: "deny <reason>" answering the request_approval question records approval_denied with the reason', async () => {
      const h = createHarness();
      const threadId = await startThread(h);
      await appendEvents(h, threadId, [decided(h, 'request_approval', { message: 'May I file it in Platform?' })]);
      const outcome = await h.intake.receive({
        raw: rawMail({ from: 'alice@example.com', headers: [trustedPass()], inReplyTo: '<first@example.com>', body: 'deny: use Billing' }),
        source: 'test',
      });
      expect(outcome).toEqual({ kind: 'resumed', threadId, event: 'approval_denied' });
      expect((await lastEvent(h, threadId))?.data).toEqual({ by: 'alice@example.com', channel: 'email', reason: 'use Billing', messageId: expect.stringMatching(/^<test-/) });
    });

    it('with APPROVERS configured, only they decide — not even the original sender', async () => {
      const first = await awaitingApproval({ APPROVERS: 'bob@example.com' });
      expect(await first.reply('alice@example.com', 'approve')).toEqual({ kind: 'resumed', threadId: first.threadId, event: 'human_replied' });
      const second = await awaitingApproval({ APPROVERS: 'bob@example.com' });
      expect(await second.reply('bob@example.com', 'Approve')).toEqual({ kind: 'resumed', threadId: second.threadId, event: 'approval_granted' });
      expect((await lastEvent(second.h, second.threadId))?.data).toEqual({ callId: second.callId, by: 'bob@example.com', channel: 'email', messageId: expect.stringMatching(/^<test-/) });
    });
  });
});
