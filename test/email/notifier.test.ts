// Outbound mail: what each notification says, to whom, threaded how, and that it is recorded exactly once.
import { describe, expect, it } from 'vitest';
import { asThreadNotifier, replySubject } from '../../src/channels/email/outbound/notifier.js';
import { matchReplyAddress } from '../../src/channels/email/thread-token.js';
import type { ThreadId } from '../../src/core/ids.js';
import { pendingNotifications } from '../../src/core/thread.js';
import { createHarness, type Harness } from './support/harness.js';
import { rawMail, trustedPass } from './support/mail.js';
import { appendEvents, askQuestion, decided, requestApproval } from './support/steps.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';

async function started(h: Harness, extra: { cc?: string; subject?: string } = {}): Promise<ThreadId> {
  const outcome = await h.intake.receive({
    raw: rawMail({
      from: 'Alice Example <alice@example.com>',
      headers: [trustedPass()],
      messageId: '<first@example.com>',
      references: '<older@example.com>',
      ...extra,
    }),
    source: 'test',
  });
  if (outcome.kind !== 'started') throw new Error('not started');
  return outcome.threadId;
}

describe('email notifier', () => {
  it('a question goes to the requester (others on the first mail in Cc), threaded, with a signed Reply-To', async () => {
    const h = createHarness();
    const threadId = await started(h, { cc: 'Bob <bob@example.com>, assistant@hardway.test' });
    await askQuestion(h, threadId, 'Which team: Platform or Billing? <script>alert(1)</script>');
    const result = await h.notifier.notify(threadId);
    expect(result.kind).toBe('notified');
    expect(h.mailer.sent).toHaveLength(1);
    const mail = h.mailer.sent[0];
    if (mail === undefined) throw new Error('no mail');
    expect(mail.to).toEqual(['alice@example.com']);
    expect(mail.cc).toEqual(['bob@example.com']);
    expect(mail.from).toEqual({ name: 'Linear Assistant', address: 'assistant@hardway.test' });
    expect(mail.subject).toBe('Re: Export bug for ACME');
    expect(mail.inReplyTo).toBe('<first@example.com>');
    expect(mail.references).toEqual(['<older@example.com>', '<first@example.com>']);
    expect(mail.messageId).toMatch(/^<evt_\d+\.thr_1@hardway\.test>$/);
    expect(mail.headers['Auto-Submitted']).toBe('auto-replied');
    expect(matchReplyAddress(mail.replyTo, h.config.address, h.config.tokenSecret)).toEqual({ kind: 'valid', threadId });
    expect(mail.text).toContain('Which team: Platform or Billing?');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
  });

  it('records message_sent with the Message-ID as an email-out delivery, and never sends the same thing twice', async () => {
    const h = createHarness();
    const threadId = await started(h);
    await askQuestion(h, threadId, 'Which team?');
    await h.notifier.notify(threadId);
    await h.notifier.notify(threadId);
    expect(h.mailer.sent).toHaveLength(1);
    const thread = await h.store.load(threadId);
    const sentEvent = thread?.events.at(-1);
    expect(sentEvent?.type).toBe('message_sent');
    const messageId = h.mailer.sent[0]?.messageId ?? '';
    expect(sentEvent?.data).toEqual({ channel: 'email', to: ['alice@example.com'], inResponseTo: thread?.events[1]?.id, messageId });
    expect(await h.store.findDelivery({ source: 'email-out', id: messageId })).toBe(threadId);
    expect(pendingNotifications(thread?.events ?? [], linearAssistantIntents)).toEqual([]);
  });

  it('concurrent notify calls for one thread send once', async () => {
    const h = createHarness();
    const threadId = await started(h);
    await askQuestion(h, threadId, 'Which team?');
    await Promise.all([h.notifier.notify(threadId), h.notifier.notify(threadId), h.notifier.notify(threadId)]);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('an approval request goes to each approver with reply instructions and a personal signed link', async () => {
    const h = createHarness({ env: { APPROVERS: 'bob@example.com, carol@example.com' } });
    const threadId = await started(h);
    await requestApproval(h, threadId, 'Create issue "CSV export drops rows" in team Platform');
    await h.notifier.notify(threadId);
    expect(h.mailer.sent.map((m) => m.to)).toEqual([['bob@example.com'], ['carol@example.com']]);
    const [toBob, toCarol] = h.mailer.sent;
    expect(toBob?.text).toContain('Create issue "CSV export drops rows" in team Platform');
    expect(toBob?.text).toContain('Reply "approve" to go ahead, or "deny <reason>" to stop it.');
    const link = /https:\/\/hardway\.test\/approvals\/(\S+)/.exec(toBob?.text ?? '')?.[1];
    expect(link).toBeDefined();
    expect(toCarol?.text).not.toContain(link ?? '-');
    expect(toBob?.messageId).not.toBe(toCarol?.messageId);
    const events = (await h.store.load(threadId))?.events ?? [];
    expect(events.filter((e) => e.type === 'message_sent')).toHaveLength(2);
  });

  it('the final answer, an escalation and a failure each reach the requester', async () => {
    const h = createHarness();
    const threadId = await started(h, { subject: 'RE: Re: Export bug for ACME' });
    await appendEvents(h, threadId, [decided(h, 'done_for_now', { message: 'Filed as ENG-42.' })]);
    await appendEvents(h, threadId, [
      { id: h.ids.eventId(), at: h.clock.now().toISOString(), type: 'escalated', data: { guard: 'max_errors', reason: 'Linear kept failing.' } },
      { id: h.ids.eventId(), at: h.clock.now().toISOString(), type: 'thread_failed', data: { reason: 'The model is not configured.' } },
    ]);
    await h.notifier.notify(threadId);
    expect(h.mailer.sent.map((m) => [m.to, m.subject])).toEqual([
      [['alice@example.com'], 'Re: Export bug for ACME'],
      [['alice@example.com'], 'Re: Export bug for ACME'],
      [['alice@example.com'], 'Re: Export bug for ACME'],
    ]);
    expect(h.mailer.sent[0]?.text).toContain('Filed as ENG-42.');
    expect(h.mailer.sent[1]?.text).toContain('Linear kept failing.');
    expect(h.mailer.sent[2]?.text).toContain('The model is not configured.');
    // Each later mail names the earlier ones, so clients keep one thread.
    expect(h.mailer.sent[2]?.references).toContain(h.mailer.sent[0]?.messageId);
  });

  it('answers the newest email the person sent, and threads on every message since the first (root kept, newest 19)', async () => {
    const h = createHarness();
    const threadId = await started(h);
    const at = () => h.clock.now().toISOString();
    const replies: string[] = [];
    for (let round = 1; round <= 12; round++) {
      await askQuestion(h, threadId, `Question ${round}?`);
      await h.notifier.notify(threadId);
      replies.push(`<reply${round}@example.com>`);
      await appendEvents(h, threadId, [
        { id: h.ids.eventId(), at: at(), type: 'human_replied', data: { channel: 'email', from: 'alice@example.com', message: `answer ${round}`, messageId: `<reply${round}@example.com>` } },
        // Another channel's message ids are not this thread's email conversation.
        { id: h.ids.eventId(), at: at(), type: 'message_sent', data: { channel: 'slack', to: ['U1'], inResponseTo: h.ids.eventId(), messageId: `slack-${round}` } },
      ]);
    }
    await askQuestion(h, threadId, 'Last question?');
    await h.notifier.notify(threadId);
    const last = h.mailer.sent.at(-1);
    expect(last?.inReplyTo).toBe('<reply12@example.com>');
    const conversation = ['<older@example.com>', '<first@example.com>', ...h.mailer.sent.slice(0, -1).flatMap((m, i) => [m.messageId, replies[i] ?? ''])];
    expect(conversation).toHaveLength(26);
    expect(last?.references).toEqual([conversation[0], ...conversation.slice(-19)]);
    expect(last?.references.some((r) => r.startsWith('slack-'))).toBe(false);
  });

  it('a thread that did not start by email is not ours', async () => {
    const h = createHarness();
    const threadId = 'thr_api' as ThreadId;
    await h.store.create({
      id: threadId,
      agent: 'linear-assistant',
      events: [{ id: h.ids.eventId(), at: h.clock.now().toISOString(), type: 'message_received', data: { channel: 'api', text: 'hi' } }],
    });
    await askQuestion(h, threadId, 'Which team?');
    expect(await h.notifier.notify(threadId)).toEqual({ kind: 'not_email' });
    expect(h.mailer.sent).toEqual([]);
  });

  it('a failed send is reported, not recorded, and retried on the next notify', async () => {
    const h = createHarness();
    const threadId = await started(h);
    await askQuestion(h, threadId, 'Which team?');
    const send = h.mailer.send.bind(h.mailer);
    h.mailer.send = () => Promise.reject(new Error('421 try again later'));
    expect(await h.notifier.notify(threadId)).toMatchObject({ kind: 'failed', error: '421 try again later' });
    // The worker's shape: a failure is thrown, so the worker logs that the notification stays pending.
    await expect(asThreadNotifier(h.notifier).notify({ id: threadId })).rejects.toThrow('421 try again later');
    h.mailer.send = send;
    expect(await h.notifier.notify(threadId)).toMatchObject({ kind: 'notified', sent: [expect.anything()] });
    expect(h.mailer.sent).toHaveLength(1);
  });

  it.each([
    ['Export bug', 'Re: Export bug'],
    ['Re: Export bug', 'Re: Export bug'],
    ['RE: re: Export bug', 'Re: Export bug'],
    ['AW: Export bug', 'Re: Export bug'],
    ['Re[2]: Export bug', 'Re: Export bug'],
    ['Fwd: Export bug', 'Re: Fwd: Export bug'],
    ['', 'Re: your request'],
  ])('subject %j → %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });
});
