// The approval link: a GET only shows, a POST decides once, and an edited or expired token decides nothing.
import { describe, expect, it } from 'vitest';
import { createApprovalPage } from '../../src/channels/email/approvals/approval-page.js';
import { createApprovalToken } from '../../src/channels/email/approvals/approval-token.js';
import type { CallId, ThreadId } from '../../src/core/ids.js';
import { deriveStatus } from '../../src/core/thread.js';
import { createHarness, type Harness } from './support/harness.js';
import { rawMail, trustedPass } from './support/mail.js';
import { requestApproval } from './support/steps.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

async function setup(): Promise<{ h: Harness; threadId: ThreadId; callId: CallId; token: string; page: ReturnType<typeof createApprovalPage> }> {
  const h = createHarness();
  const outcome = await h.intake.receive({ raw: rawMail({ from: 'alice@example.com', headers: [trustedPass()] }), source: 'test' });
  if (outcome.kind !== 'started') throw new Error('not started');
  const threadId = outcome.threadId;
  const callId = await requestApproval(h, threadId, 'Create issue "CSV export <drops> rows" in team Platform');
  await h.notifier.notify(threadId);
  const token = /https:\/\/hardway\.test\/approvals\/(\S+)/.exec(h.mailer.sent[0]?.text ?? '')?.[1] ?? '';
  const page = createApprovalPage({ intake: h.service, store: h.store, tokenSecret: h.config.tokenSecret, clock: h.clock, logger: h.logger, humanIntents: linearIntentsForEveryAgent });
  return { h, threadId, callId, token, page };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  body: new URLSearchParams(fields).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
});

async function decisions(h: Harness, threadId: ThreadId) {
  return ((await h.store.load(threadId))?.events ?? []).filter((e) => e.type === 'approval_granted' || e.type === 'approval_denied');
}

describe('approval page', () => {
  it('GET shows the operation (escaped) and a form that POSTs, and approves nothing — however often it is fetched', async () => {
    const { h, threadId, token, page } = await setup();
    for (let i = 0; i < 3; i++) {
      const res = await page.request(`/${token}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Create issue &quot;CSV export &lt;drops&gt; rows&quot; in team Platform');
      expect(html).toContain('<form method="post">');
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    }
    expect(await decisions(h, threadId)).toEqual([]);
    expect(deriveStatus((await h.store.load(threadId))?.events ?? [], linearAssistantIntents)).toBe('awaiting_approval');
  });

  it('POST approve records approval_granted once; a second decision gets 409 and changes nothing', async () => {
    const { h, threadId, callId, token, page } = await setup();
    const res = await page.request(`/${token}`, form({ decision: 'approve', reason: 'ship it' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Approved');
    expect((await decisions(h, threadId)).map((e) => [e.type, e.data])).toEqual([
      ['approval_granted', { callId, by: 'alice@example.com', channel: 'email', comment: 'ship it' }],
    ]);
    const again = await page.request(`/${token}`, form({ decision: 'deny' }));
    expect(again.status).toBe(409);
    expect(await decisions(h, threadId)).toHaveLength(1);
    const show = await page.request(`/${token}`);
    expect(await show.text()).toContain('already approved');
  });

  it('POST deny records approval_denied with the reason', async () => {
    const { h, threadId, callId, token, page } = await setup();
    expect((await page.request(`/${token}`, form({ decision: 'deny', reason: 'wrong team' }))).status).toBe(200);
    expect((await decisions(h, threadId)).map((e) => e.data)).toEqual([{ callId, by: 'alice@example.com', channel: 'email', reason: 'wrong team' }]);
  });

  it('a tampered token is refused with 403, on GET and POST', async () => {
    const { h, threadId, token, page } = await setup();
    const [payload, sig] = token.split('.');
    const claim = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const edited = Buffer.from(JSON.stringify({ ...claim, a: 'mallory@example.com' })).toString('base64url');
    for (const bad of [`${edited}.${sig}`, `${payload}.${sig}x`, `${payload}`, 'nonsense']) {
      expect((await page.request(`/${bad}`)).status).toBe(403);
      expect((await page.request(`/${bad}`, form({ decision: 'approve' }))).status).toBe(403);
    }
    expect(await decisions(h, threadId)).toEqual([]);
  });

  it('an expired token is refused with 410', async () => {
    const { h, threadId, token, page } = await setup();
    h.clock.advance(h.config.approvalLinkTtlMs + 1);
    expect((await page.request(`/${token}`)).status).toBe(410);
    expect((await page.request(`/${token}`, form({ decision: 'approve' }))).status).toBe(410);
    expect(await decisions(h, threadId)).toEqual([]);
  });

  it('a token signed with another secret is refused', async () => {
    const { h, threadId, callId, page } = await setup();
    const { Secret } = await import('../../src/channels/shared/secret.js');
    const forged = createApprovalToken(
      { threadId, callId, approver: 'alice@example.com', expiresAt: h.clock.now().getTime() + 60_000 },
      new Secret('a-different-secret-0123456789abcdef0123456789'),
    );
    expect((await page.request(`/${forged}`, form({ decision: 'approve' }))).status).toBe(403);
  });

  it('once the person answered by email instead, the old link decides nothing (409)', async () => {
    const { h, threadId, token, page } = await setup();
    await h.intake.receive({
      raw: rawMail({ from: 'alice@example.com', headers: [trustedPass()], inReplyTo: h.mailer.sent[0]?.messageId ?? '', body: 'Wait, put it in Billing.' }),
      source: 'test',
    });
    expect((await page.request(`/${token}`, form({ decision: 'approve' }))).status).toBe(409);
    expect(await decisions(h, threadId)).toEqual([]);
  });

  it('a POST without a decision is 400', async () => {
    const { token, page } = await setup();
    expect((await page.request(`/${token}`, form({ decision: 'maybe' }))).status).toBe(400);
  });
});
