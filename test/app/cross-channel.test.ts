// One thread across channels, through the real HTTP server on a real port: started by email, its question answered
// by SMS from the same person's phone, its approval posted to the Slack approvals channel and clicked there by an
// approver (an approver by the email rule, mapped to their Slack id through PEOPLE), the issue created once in the
// Linear double, and the final answer sent by SMS. Real signatures on every webhook; every double records what it got.
import { createHmac, randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import { Secret } from '../../src/channels/shared/secret.js';
import { twilioSignature } from '../../src/channels/sms/inbound/twilio-signature.js';
import type { ThreadEvent } from '../../src/core/events.js';
import type { ThreadId } from '../../src/core/ids.js';
import { silentLogger } from '../../src/support/logger.js';
import { rawMail, trustedPass } from '../email/support/mail.js';
import { secrets, testEnv } from '../email/support/harness.js';
import { linearWebhookPoster, sessionCreated } from '../support/linear-webhooks.js';
import { linearDoubleEnv, listen, stubModelEnv, type Listening } from '../support/program.js';
import { startSlackApi, type SlackApi } from '../support/slack-api.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { startTwilioDouble, type TwilioDouble } from '../support/twilio-double.js';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';
import { testWorkspace } from '../support/workspace.js';

const SIGNING_SECRET = 'slack-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-test-0123456789';
const TEAM = 'T0TEAM';
const APPROVALS = 'C0APPROVALS';
const accountSid = `AC${'b2'.repeat(16)}`;
const authToken = 'twilio-test-auth-token-x';
const publicUrl = 'https://hardway.test';
const ours = '+15550000001';

const LINEAR_WEBHOOK_SECRET = 'lin_wh_cross_0123456789abcdef';
const alice = { name: 'alice', email: 'alice@example.com', slack: 'U0ALICE', phone: '+15551230000', linear: '4a1c6d2e-8b3f-4e5a-9c7d-0f1e2d3c4b5a' };
const boss = { name: 'boss', email: 'boss@example.com', slack: 'U0BOSS' };

let llm: StubLlm;
let smtp: SmtpReceiver;
let slack: SlackApi;
let twilio: TwilioDouble;
let linear: LinearDouble;
let c: Container;
let served: Listening;
let base: string;

beforeAll(async () => {
  llm = await startStubLlm();
  smtp = await startSmtpReceiver();
  slack = await startSlackApi({ token: BOT_TOKEN });
  twilio = await startTwilioDouble({ accountSid, authToken });
  linear = await startLinearDouble({ workspace: await testWorkspace() });
  const config = readConfig({
    ...testEnv({ SMTP_URL: smtp.url, APPROVERS: boss.email }),
    ...stubModelEnv(llm),
    APPROVAL_INTENTS: 'create_issue',
    PUBLIC_URL: publicUrl,
    // Slack: nobody is a Slack approver by Slack's own rule; the boss approves by the email rule, through PEOPLE.
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.url,
    SLACK_TEAM_ID: TEAM,
    SLACK_APPROVALS_CHANNEL: APPROVALS,
    APPROVALS_CHANNEL: 'slack',
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_FROM_NUMBER: ours,
    SMS_ALLOWED_NUMBERS: alice.phone,
    TWILIO_API_URL: twilio.url,
    PEOPLE: JSON.stringify([alice, boss]),
    ...linearDoubleEnv(linear),
    LINEAR_WEBHOOK_SECRET,
  });
  c = await createContainer(config, { logger: silentLogger });
  served = await listen(c);
  base = served.base;
});
afterAll(async () => {
  await served.close();
  await c.close();
  await linear.close();
  await twilio.close();
  await slack.close();
  await smtp.close();
  await llm.close();
});

function postEmail(raw: Buffer): Promise<Response> {
  const signature = `sha256=${createHmac('sha256', secrets.webhook).update(raw).digest('hex')}`;
  return fetch(`${base}/webhooks/email/raw`, { method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-signature-256': signature }, body: raw });
}

let sids = 0;
function postSms(from: string, body: string): Promise<Response> {
  const sid = `SM${String(++sids).padStart(32, 'e')}`;
  const params = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: from, To: ours, Body: body, NumMedia: '0' };
  const signature = twilioSignature(new Secret(authToken), `${publicUrl}/webhooks/sms/twilio`, params);
  return fetch(`${base}/webhooks/sms/twilio`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() });
}

let slackSeq = 0;
function postSlack(path: string, body: string, contentType: string): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(`${base}/webhooks/slack${path}`, { method: 'POST', headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature }, body });
}

function click(user: string, value: string, message: { channel: string; ts: string }): string {
  const payload = { type: 'block_actions', team: { id: TEAM }, user: { id: user }, actions: [{ action_id: 'approve', value, action_ts: `1700000200.${String(++slackSeq).padStart(6, '0')}` }], channel: { id: message.channel }, message: { ts: message.ts } };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function dm(user: string, text: string): string {
  const ts = `1700000300.${String(++slackSeq).padStart(6, '0')}`;
  return JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: `EvX${slackSeq}`, event: { type: 'message', channel_type: 'im', channel: 'D0ALICE', user, text, ts } });
}

/** The waiting thread whose first message says `text`: each test finds its own, whatever another left behind. */
async function waitingWith(text: string): Promise<ThreadId[]> {
  const found: ThreadId[] = [];
  for (const t of (await c.store.list({ status: 'awaiting_human' })).threads) {
    const first = (await events(t.id))[0];
    if (first?.type === 'message_received' && first.data.text.includes(text)) found.push(t.id);
  }
  return found;
}

async function events(threadId: ThreadId): Promise<readonly ThreadEvent[]> {
  return (await c.store.load(threadId))?.events ?? [];
}

/** Each human event's type and channel, and each delivery's channel and recipients: where the thread went. */
function trail(all: readonly ThreadEvent[]): string[] {
  return all.flatMap((e) => {
    switch (e.type) {
      case 'message_received':
        return [`${e.type} ${e.data.channel} ${e.data.from ?? ''}`];
      case 'human_replied':
        return [`${e.type} ${e.data.channel} ${e.data.from ?? ''}`];
      case 'approval_granted':
      case 'approval_denied':
        return [`${e.type} ${e.data.channel ?? '?'} ${e.data.by}`];
      case 'message_sent':
        return [`${e.type} ${e.data.channel} ${e.data.to.join(',')}`];
      default:
        return [];
    }
  });
}

it('started by email, answered by SMS, approved in Slack by an approver of the email rule, finished by SMS: every event names its channel and every notification went to one place', async () => {
  const team = (await c.linear.listTeams())[0]!;
  const title = 'Restock the fridges across channels';
  llm.script(
    { intent: 'request_more_information', message: 'Which team should own it?' },
    { intent: 'create_issue', issue: { title, team_id: team.id } },
    { intent: 'done_for_now', message: 'Filed for Operations.' },
  );

  // 1. Email in: the question goes back by email, threaded under it, and nowhere else.
  const res = await postEmail(rawMail({ from: 'Alice <alice@example.com>', subject: 'Fridges', body: 'Make an issue to restock the fridges.', messageId: '<fridges@example.com>', headers: [trustedPass()] }));
  expect(res.status).toBe(202);
  await c.worker.drain();
  const [question] = await smtp.waitFor(1);
  const mail = await simpleParser(question?.raw ?? Buffer.alloc(0));
  expect(question?.rcptTo).toEqual([alice.email]);
  expect(mail.inReplyTo).toBe('<fridges@example.com>');
  expect(mail.text).toContain('Which team should own it?');
  const threadId = (await c.store.list()).threads[0]!.id;
  expect(twilio.sent).toEqual([]);
  expect(slack.calls).toEqual([]);

  // 2. Alice answers by SMS: her phone finds her thread through PEOPLE; the approval request goes to the Slack
  //    approvals channel as a new message with buttons, not to her phone and not by email.
  expect((await postSms(alice.phone, 'Operations')).status).toBe(200);
  await c.worker.drain();
  expect(llm.requests[1]?.prompt).toContain('Operations');
  const posted = slack.calls.filter((call) => call.method === 'chat.postMessage');
  expect(posted).toHaveLength(1);
  expect(posted[0]?.body['channel']).toBe(APPROVALS);
  expect(posted[0]?.body).not.toHaveProperty('thread_ts');
  const actions = (posted[0]?.body['blocks'] as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
  expect(actions?.elements?.map((e) => e.action_id)).toEqual(['approve', 'deny']);
  expect(twilio.sent).toEqual([]);
  expect(smtp.messages).toHaveLength(1);

  // 3. In Slack: Alice may not decide (the email rule names the boss); the boss's click, by his Slack id, does.
  const sent = (await events(threadId)).filter((e) => e.type === 'message_sent').at(-1);
  const approvalTs = (sent?.type === 'message_sent' ? sent.data.messageId : undefined)?.split(':')[1] ?? '';
  const value = actions?.elements?.[0]?.value ?? '';
  const form = 'application/x-www-form-urlencoded';
  const refused = await postSlack('/interactivity', click(alice.slack, value, { channel: APPROVALS, ts: approvalTs }), form);
  expect(await refused.json()).toEqual({ outcome: { kind: 'ignored', reason: 'not_an_approver' } });
  const callsBefore = slack.calls.length;
  const approved = await postSlack('/interactivity', click(boss.slack, value, { channel: APPROVALS, ts: approvalTs }), form);
  expect(await approved.json()).toEqual({ outcome: { kind: 'resumed', threadId } });
  const update = await slack.waitForCall('chat.update', callsBefore);
  expect(update.body).toMatchObject({ channel: APPROVALS, ts: approvalTs });

  // 4. The issue is created once, and the answer goes to where Alice last spoke: her phone. Twilio refuses the
  //    first try; the answer stays owed and the sweep sends it, once.
  twilio.failNext(1);
  await c.worker.drain();
  expect(twilio.sent).toEqual([]);
  await c.worker.sweepNotifications();
  await c.worker.sweepNotifications();
  expect(twilio.sent.map((s) => ({ to: s.to, body: s.body }))).toEqual([{ to: alice.phone, body: 'Filed for Operations.' }]);
  expect((await c.linear.searchIssues({ query: title })).filter((i) => i.title === title)).toHaveLength(1);
  expect(linear.operations().filter((name) => name === 'IssueCreate')).toHaveLength(1);
  expect(linear.invalidRequests()).toEqual([]);

  // Where everything came from and went, in order, and nothing anywhere else.
  expect(trail(await events(threadId))).toEqual([
    `message_received email ${alice.email}`,
    `message_sent email ${alice.email}`,
    `human_replied sms ${alice.phone}`,
    `message_sent slack ${APPROVALS}`,
    `approval_granted slack ${boss.slack}`,
    `message_sent sms ${alice.phone}`,
  ]);
  expect(smtp.messages).toHaveLength(1);
  expect(slack.calls.map((call) => call.method)).toEqual(['chat.postMessage', 'chat.update']);
  expect(slack.refused).toEqual([]);
  expect(twilio.refused).toEqual(['service unavailable']);
  expect((await c.store.list({ id: threadId, limit: 1 })).threads[0]?.status).toBe('done');
});

it('a top-level Slack DM starts a new thread even while a thread of the same person waits', async () => {
  llm.script({ intent: 'request_more_information', message: 'Which office?' });
  await postEmail(rawMail({ from: 'Alice <alice@example.com>', subject: 'Chairs', body: 'Order chairs.', headers: [trustedPass()] }));
  await c.worker.drain();
  const waiting = await waitingWith('Order chairs.');
  expect(waiting).toHaveLength(1);

  const res = await postSlack('/events', dm(alice.slack, 'Something else entirely'), 'application/json');
  const body = (await res.json()) as { outcome: { kind: string; threadId: ThreadId } };
  expect(body.outcome.kind).toBe('started');
  expect(waiting).not.toContain(body.outcome.threadId);
  expect((await events(waiting[0]!)).filter((e) => e.type === 'human_replied')).toEqual([]);
  // Both answered, so nothing of this test waits for the next one.
  llm.script({ intent: 'done_for_now', message: 'Noted.' }, { intent: 'done_for_now', message: 'Chairs ordered.' });
  await c.worker.drain();
  await postEmail(rawMail({ from: 'Alice <alice@example.com>', to: (await simpleParser(smtp.messages.at(-1)?.raw ?? Buffer.alloc(0))).replyTo?.value[0]?.address ?? '', subject: 'Re: Chairs', body: 'The Austin office.', headers: [trustedPass()] }));
  await c.worker.drain();
  expect(await waitingWith('Order chairs.')).toEqual([]);
});

it('back to email after an SMS: the answer is threaded on the person\'s emails only, and goes to whoever last wrote by email', async () => {
  llm.script(
    { intent: 'request_more_information', message: 'Which floor?' },
    { intent: 'request_more_information', message: 'Which room on the 3rd floor?' },
    { intent: 'done_for_now', message: 'Booked room 301.' },
  );
  const mailsBefore = smtp.messages.length;
  const smsBefore = twilio.sent.length;
  await postEmail(rawMail({ from: 'Alice <alice@example.com>', cc: 'Boss <boss@example.com>', subject: 'Rooms', body: 'Book a room.', messageId: '<rooms@example.com>', headers: [trustedPass()] }));
  await c.worker.drain();
  const first = await simpleParser((await smtp.waitFor(mailsBefore + 1))[mailsBefore]?.raw ?? Buffer.alloc(0));
  const waiting = await waitingWith('Book a room.');
  expect(waiting).toHaveLength(1);
  const threadId = waiting[0]!;

  // By SMS: the next question goes to her phone, not by email.
  await postSms(alice.phone, '3rd');
  await c.worker.drain();
  expect((await twilio.waitFor(smsBefore + 1))[smsBefore]).toMatchObject({ to: alice.phone, body: 'Which room on the 3rd floor?' });
  expect(smtp.messages).toHaveLength(mailsBefore + 1);

  // The boss (on the first mail's Cc) answers by email, to the Reply-To of our first mail: the answer goes to him,
  // Alice in Cc, and replies to his email; the SMS ids are nowhere in the headers.
  const replyTo = first.replyTo?.value[0]?.address ?? '';
  const reply = rawMail({ from: 'Boss <boss@example.com>', to: replyTo, subject: 'Re: Rooms', body: 'Room 301.', messageId: '<boss-reply@example.com>', inReplyTo: first.messageId ?? '', references: `<rooms@example.com> ${first.messageId ?? ''}`, headers: [trustedPass()] });
  expect((await postEmail(reply)).status).toBe(202);
  await c.worker.drain();
  const [answer] = (await smtp.waitFor(mailsBefore + 2)).slice(mailsBefore + 1);
  const parsed = await simpleParser(answer?.raw ?? Buffer.alloc(0));
  expect(parsed.text).toContain('Booked room 301.');
  expect(parsed.inReplyTo).toBe('<boss-reply@example.com>');
  expect(parsed.references).toEqual(['<rooms@example.com>', first.messageId, '<boss-reply@example.com>']);
  const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
  const cc = Array.isArray(parsed.cc) ? parsed.cc : [parsed.cc];
  expect(to.flatMap((a) => a?.value.map((v) => v.address) ?? [])).toEqual([boss.email]);
  expect(cc.flatMap((a) => a?.value.map((v) => v.address) ?? [])).toEqual([alice.email]);
  expect(twilio.sent).toHaveLength(smsBefore + 1);
  expect(trail(await events(threadId))).toEqual([
    `message_received email ${alice.email}`,
    `message_sent email ${alice.email},${boss.email}`,
    `human_replied sms ${alice.phone}`,
    `message_sent sms ${alice.phone}`,
    `human_replied email ${boss.email}`,
    `message_sent email ${boss.email},${alice.email}`,
  ]);
});

it('a reply written in Slack, under the approval message, moves the conversation there: the answer is posted in that Slack thread', async () => {
  const team = (await c.linear.listTeams())[0]!;
  llm.script({ intent: 'create_issue', issue: { title: 'Paint the hall', team_id: team.id } }, { intent: 'done_for_now', message: 'Understood, nothing filed.' });
  const before = { mails: smtp.messages.length, sms: twilio.sent.length, slack: slack.calls.length };
  await postEmail(rawMail({ from: 'Alice <alice@example.com>', subject: 'Hall', body: 'File "Paint the hall".', headers: [trustedPass()] }));
  await c.worker.drain();
  const request = slack.calls.slice(before.slack).find((call) => call.method === 'chat.postMessage');
  expect(request?.body['channel']).toBe(APPROVALS);
  const threadId = (await c.store.list({ status: 'awaiting_approval' })).threads[0]!.id;
  const sent = (await events(threadId)).filter((e) => e.type === 'message_sent').at(-1);
  const approvalTs = (sent?.type === 'message_sent' ? sent.data.messageId : undefined)?.split(':')[1] ?? '';

  const ts = `1700000400.${String(++slackSeq).padStart(6, '0')}`;
  const reply = JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: `EvR${slackSeq}`, event: { type: 'message', channel_type: 'channel', channel: APPROVALS, user: alice.slack, text: 'Never mind, do not file it.', ts, thread_ts: approvalTs } });
  expect(await (await postSlack('/events', reply, 'application/json')).json()).toEqual({ outcome: { kind: 'resumed', threadId } });
  await c.worker.drain();
  expect(slack.calls.at(-1)?.body).toMatchObject({ channel: APPROVALS, thread_ts: approvalTs, text: 'Understood, nothing filed.' });
  expect(smtp.messages).toHaveLength(before.mails);
  expect(twilio.sent).toHaveLength(before.sms);
  expect(trail(await events(threadId)).slice(-2)).toEqual([`human_replied slack ${alice.slack}`, `message_sent slack ${APPROVALS}`]);
});

it('started in a Linear session, answered by SMS: the session still gets the actions, the questions and the answer go by SMS', async () => {
  llm.script(
    { intent: 'request_more_information', message: 'Which floor is the fridge on?' },
    { intent: 'list_teams' },
    { intent: 'request_more_information', message: 'Which kitchen on the 3rd floor?' },
    { intent: 'done_for_now', message: 'Noted: the east kitchen on the 3rd floor.' },
  );
  const sessionId = randomUUID();
  const smsBefore = twilio.sent.length;
  const postLinear = linearWebhookPoster(() => base, LINEAR_WEBHOOK_SECRET);
  const started = await postLinear(sessionCreated(sessionId, { id: alice.linear, name: 'Alice', email: alice.email }, { comment: '@assistant restock the fridge' }));
  expect(started.status).toBe(200);
  const { outcome } = (await started.json()) as { outcome: { kind: string; threadId: ThreadId } };
  expect(outcome.kind).toBe('started');
  await c.worker.drain();
  const session = () => linear.activities.bySession(sessionId).map((a) => a.content);
  expect(session().at(-1)).toEqual({ type: 'elicitation', body: 'Which floor is the fridge on?' });

  // Her phone is hers through PEOPLE: the SMS answers the Linear thread, and the conversation moves to SMS.
  expect((await postSms(alice.phone, '3rd')).status).toBe(200);
  await c.worker.drain();
  expect((await twilio.waitFor(smsBefore + 1))[smsBefore]).toMatchObject({ to: alice.phone, body: 'Which kitchen on the 3rd floor?' });
  expect((await postSms(alice.phone, 'East')).status).toBe(200);
  await c.worker.drain();
  expect((await twilio.waitFor(smsBefore + 2))[smsBefore + 1]).toMatchObject({ to: alice.phone, body: 'Noted: the east kitchen on the 3rd floor.' });

  // The session keeps the record of the work (the lookup's action) but gets neither the second question nor the answer.
  expect(session().map((a) => a['type'])).toEqual(['thought', 'elicitation', 'action']);
  const all = await events(outcome.threadId);
  const notified = all.flatMap((e) => (e.type === 'message_sent' ? [`${e.data.channel} ${all.find((x) => x.id === e.data.inResponseTo)?.type ?? '?'}`] : []));
  expect(notified.slice(0, 2)).toEqual(['linear message_received', 'linear step_decided']);
  expect([...notified].sort()).toEqual(['linear message_received', 'linear step_decided', 'linear tool_succeeded', 'sms step_decided', 'sms step_decided']);
});
