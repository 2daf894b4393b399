// The Slack channel through the whole program on a real port: signed Events API and interactivity requests over HTTP,
// the worker running the scripted stub model, answers posted to a local Slack Web API double in the same Slack thread.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import type { ThreadId } from '../../src/core/ids.js';
import { silentLogger } from '../../src/support/logger.js';
import { linearDoubleEnv, listen, stubModelEnv, type Listening } from '../support/program.js';
import { startSlackApi, type SlackApi } from '../support/slack-api.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';
import { testWorkspace } from '../support/workspace.js';

const SIGNING_SECRET = 'slack-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-test-0123456789';
const TEAM = 'T0TEAM';
const ALEX = 'U0ALEX';
const BOSS = 'U0BOSS';

let llm: StubLlm;
let slack: SlackApi;
let c: Container;
let linear: LinearDouble;
let served: Listening;
let base: string;

beforeAll(async () => {
  llm = await startStubLlm();
  slack = await startSlackApi({ token: BOT_TOKEN });
  linear = await startLinearDouble({ workspace: await testWorkspace() });
  const config = readConfig({
    ...stubModelEnv(llm),
    APPROVAL_INTENTS: 'create_issue',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.url,
    SLACK_TEAM_ID: TEAM,
    SLACK_ALLOWED_USERS: `${ALEX}, ${BOSS}`,
    SLACK_APPROVERS: BOSS,
    ...linearDoubleEnv(linear),
  });
  c = await createContainer(config, { logger: silentLogger });
  served = await listen(c);
  base = served.base;
});
afterAll(async () => {
  await served.close();
  await c.close();
  expect(linear.invalidRequests()).toEqual([]);
  await linear.close();
  await slack.close();
  await llm.close();
});
beforeEach(() => llm.reset());

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const sign = (timestamp: string, body: string, secret = SIGNING_SECRET): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

function post(path: string, body: string, options: { contentType?: string; timestamp?: number; signature?: string | null; headers?: Record<string, string> } = {}) {
  const timestamp = String(options.timestamp ?? nowSeconds());
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', 'x-slack-request-timestamp': timestamp, ...options.headers };
  if (options.signature !== null) headers['x-slack-signature'] = options.signature ?? sign(timestamp, body);
  return fetch(`${base}/webhooks/slack${path}`, { method: 'POST', headers, body });
}

let seq = 0;
/** A fresh Slack message ts, so each message of each test is its own delivery. */
const nextTs = (): string => `1700000000.${String(++seq).padStart(6, '0')}`;

function event(fields: Record<string, unknown>, envelope: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: `Ev${++seq}`, event: { type: 'message', channel_type: 'im', channel: 'D0ALEX', user: ALEX, ...fields }, ...envelope });
}

function click(user: string, actionId: string, value: string, message?: { channel: string; ts: string }): string {
  const payload = {
    type: 'block_actions',
    team: { id: TEAM },
    user: { id: user },
    actions: [{ action_id: actionId, value, action_ts: nextTs() }],
    ...(message !== undefined ? { channel: { id: message.channel }, message: { ts: message.ts } } : {}),
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
const form = 'application/x-www-form-urlencoded';

/** The ts of the thread's last posted message (its `slack-out` key is `{channel}:{ts}`): what a click carries. */
async function lastPostedTs(threadId: ThreadId): Promise<string> {
  const sent = (await c.store.load(threadId))?.events.filter((e) => e.type === 'message_sent').at(-1);
  const key = sent?.type === 'message_sent' ? sent.data.messageId : undefined;
  return key?.split(':')[1] ?? '';
}

async function threadCount(): Promise<number> {
  return (await c.store.list()).threads.length;
}

async function startedThread(res: Response): Promise<ThreadId> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { outcome: { kind: string; threadId: ThreadId } };
  expect(body.outcome.kind).toBe('started');
  return body.outcome.threadId;
}

describe('the events endpoint refuses what Slack did not sign', () => {
  it('answers url_verification with its challenge', async () => {
    const res = await post('/events', JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'chal-123' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'chal-123' });
  });

  it('refuses a bad, a missing, a stale and a future-dated signature with 401 and starts nothing', async () => {
    const before = await threadCount();
    const body = event({ text: 'hello', ts: nextTs() });
    expect((await post('/events', body, { signature: sign(String(nowSeconds()), body, 'wrong-secret') })).status).toBe(401);
    expect((await post('/events', body, { signature: null })).status).toBe(401);
    const old = nowSeconds() - 6 * 60;
    expect((await post('/events', body, { timestamp: old, signature: sign(String(old), body) })).status).toBe(401);
    const ahead = nowSeconds() + 6 * 60;
    expect((await post('/events', body, { timestamp: ahead, signature: sign(String(ahead), body) })).status).toBe(401);
    // Signed for another body: the signature covers the exact bytes.
    expect((await post('/events', body, { signature: sign(String(nowSeconds()), `${body} `) })).status).toBe(401);
    expect(await threadCount()).toBe(before);
  });

  it('refuses a signed body that is not JSON, or not an Events API envelope, with 400', async () => {
    expect((await post('/events', '{not json')).status).toBe(400);
    expect((await post('/events', JSON.stringify({ type: 'event_callback', team_id: TEAM }))).status).toBe(400);
  });
});

describe('a conversation in Slack', () => {
  it('a DM starts a thread once however often Slack retries it, and the answer is posted in its Slack thread as Block Kit', async () => {
    const ts = nextTs();
    const body = event({ text: 'Which teams are there?', ts });
    const threadId = await startedThread(await post('/events', body));
    // The request only wrote the message: the model runs later, in the worker.
    expect(llm.requests).toHaveLength(0);
    const retry = await post('/events', body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ outcome: { kind: 'duplicate' } });
    const first = (await c.store.load(threadId))?.events[0];
    expect(first?.type === 'message_received' && first.data).toMatchObject({ channel: 'slack', from: ALEX, text: 'Which teams are there?' });

    llm.script({ intent: 'done_for_now', message: 'Operations & <Design>.' });
    const before = slack.calls.length;
    await c.worker.drain();
    expect(slack.refused).toEqual([]);
    const posted = slack.calls.slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.body).toMatchObject({
      channel: 'D0ALEX',
      thread_ts: ts,
      text: 'Operations & <Design>.',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Operations &amp; &lt;Design&gt;.' } }],
    });
    const events = (await c.store.load(threadId))?.events ?? [];
    expect(events.at(-1)).toMatchObject({ type: 'message_sent', data: { channel: 'slack', to: ['D0ALEX'] } });
    // Delivered once: another drain posts nothing more.
    await c.worker.drain();
    expect(slack.calls.length).toBe(before + 1);
  });

  it('a reply in the Slack thread resumes the same thread, and the model sees it', async () => {
    const ts = nextTs();
    llm.script({ intent: 'request_more_information', message: 'Which team should own it?' }, { intent: 'done_for_now', message: 'Noted: Operations.' });
    const threadId = await startedThread(await post('/events', event({ text: 'Make an issue to restock the fridges', ts })));
    await c.worker.drain();
    expect(slack.calls.at(-1)?.body).toMatchObject({ thread_ts: ts, text: 'Which team should own it?' });

    const reply = await post('/events', event({ text: 'Operations', ts: nextTs(), thread_ts: ts }));
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ outcome: { kind: 'resumed', threadId } });
    await c.worker.drain();
    const events = (await c.store.load(threadId))?.events ?? [];
    expect(events.filter((e) => e.type === 'human_replied').map((e) => e.type === 'human_replied' && e.data.message)).toEqual(['Operations']);
    expect(llm.requests[1]?.prompt).toContain('Operations');
    expect(slack.calls.at(-1)?.body).toMatchObject({ channel: 'D0ALEX', thread_ts: ts, text: 'Noted: Operations.' });
  });

  it('an @mention in a channel starts a thread answered under the mention', async () => {
    const ts = nextTs();
    const threadId = await startedThread(await post('/events', event({ type: 'app_mention', channel: 'C0GENERAL', channel_type: undefined, text: '<@U0BOT> hi', ts })));
    llm.script({ intent: 'done_for_now', message: 'Hello.' });
    await c.worker.drain();
    expect(slack.calls.at(-1)?.body).toMatchObject({ channel: 'C0GENERAL', thread_ts: ts, text: 'Hello.' });
    expect((await c.store.load(threadId))?.events.at(-1)?.type).toBe('message_sent');
  });

  it('bot messages, edits, other workspaces and users not allowed start nothing', async () => {
    const before = await threadCount();
    const ignored = [
      event({ text: 'our own answer', ts: nextTs(), bot_id: 'B0OURS' }),
      event({ text: 'edited', ts: nextTs(), subtype: 'message_changed' }),
      event({ text: 'hello', ts: nextTs() }, { team_id: 'T0OTHER' }),
      event({ text: 'hello', ts: nextTs(), user: 'U0STRANGER' }),
      // A plain channel message that is neither a DM, a mention nor in a thread we know.
      event({ text: 'hello', ts: nextTs(), channel: 'C0GENERAL', channel_type: 'channel' }),
    ];
    for (const body of ignored) {
      const res = await post('/events', body);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { outcome: { kind: string } }).outcome.kind).toBe('ignored');
    }
    expect(await threadCount()).toBe(before);
  });
});

it('refuses to start with Slack turned on but its workspace not named', async () => {
  const config = readConfig({ DATABASE_URL: ':memory:', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN });
  await expect(createContainer(config, { logger: silentLogger, linear: await testWorkspace() })).rejects.toThrow(/SLACK_TEAM_ID is required/);
});

describe('approvals as buttons', () => {
  it('an approver\'s click continues the thread and the issue is created; a non-approver\'s, a repeated or a stale click changes nothing', async () => {
    const team = (await c.linear.listTeams())[0]!;
    const ts = nextTs();
    llm.script({ intent: 'create_issue', issue: { title: 'Restock via Slack', team_id: team.id } });
    const threadId = await startedThread(await post('/events', event({ text: 'File "Restock via Slack"', ts })));
    await c.worker.drain();
    const request = slack.calls.at(-1)?.body;
    expect(request).toMatchObject({ channel: 'D0ALEX', thread_ts: ts });
    const actions = (request?.['blocks'] as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(['approve', 'deny']);
    const value = actions?.elements?.[0]?.value ?? '';
    const clicked = { channel: 'D0ALEX', ts: await lastPostedTs(threadId) };
    expect(clicked.ts).toMatch(/^1700000100\./);
    const seqBefore = (await c.store.load(threadId))?.events.length;

    const intern = await post('/interactivity', click(ALEX, 'approve', value), { contentType: form });
    expect(intern.status).toBe(200);
    expect(await intern.json()).toEqual({ outcome: { kind: 'ignored', reason: 'not_an_approver' } });
    expect((await c.store.load(threadId))?.events.length).toBe(seqBefore);

    const callsBefore = slack.calls.length;
    const boss = await post('/interactivity', click(BOSS, 'approve', value, clicked), { contentType: form });
    expect(await boss.json()).toEqual({ outcome: { kind: 'resumed', threadId } });
    // After the ack, the clicked message loses its buttons and says who decided.
    const update = await slack.waitForCall('chat.update', callsBefore);
    expect(update.body).toMatchObject({ channel: 'D0ALEX', ts: clicked.ts });
    expect(JSON.stringify(update.body['blocks'])).not.toContain('"actions"');
    expect(JSON.stringify(update.body['blocks'])).toContain(`Approved by <@${BOSS}>.`);
    expect((await c.store.load(threadId))?.events.at(-1)).toMatchObject({ type: 'approval_granted' });
    const afterDecision = (await c.store.load(threadId))?.events.length;
    expect((await (await post('/interactivity', click(BOSS, 'approve', value), { contentType: form })).json())).toMatchObject({ outcome: { kind: 'ignored' } });
    expect((await c.store.load(threadId))?.events.length).toBe(afterDecision);

    llm.script({ intent: 'done_for_now', message: 'Filed.' });
    await c.worker.drain();
    expect((await c.linear.searchIssues({ query: 'Restock via Slack' })).map((i) => i.title)).toContain('Restock via Slack');
    expect(linear.operations().filter((name) => name === 'IssueCreate')).toHaveLength(1);
    expect(slack.calls.at(-1)?.body).toMatchObject({ thread_ts: ts, text: 'Filed.' });
    // A stale click (the thread moved on) after the thread is done: nothing is written.
    const done = (await c.store.load(threadId))?.events.length;
    expect((await (await post('/interactivity', click(BOSS, 'deny', value), { contentType: form })).json())).toEqual({ outcome: { kind: 'ignored', reason: 'stale_action' } });
    expect((await c.store.load(threadId))?.events.length).toBe(done);
  });

  it('Deny opens a modal for the reason; its submission records the denial with that reason, which the model is told', async () => {
    const team = (await c.linear.listTeams())[0]!;
    const ts = nextTs();
    llm.script({ intent: 'create_issue', issue: { title: 'Paint the office', team_id: team.id } });
    const threadId = await startedThread(await post('/events', event({ text: 'File "Paint the office"', ts })));
    await c.worker.drain();
    const blocks = slack.calls.at(-1)?.body['blocks'] as Array<{ type: string; elements?: Array<{ value: string }> }>;
    const value = blocks.find((b) => b.type === 'actions')?.elements?.[1]?.value ?? '';
    const message = { channel: 'D0ALEX', ts: await lastPostedTs(threadId) };
    const eventsBefore = (await c.store.load(threadId))?.events.length;

    const callsBefore = slack.calls.length;
    const payload = JSON.parse(new URLSearchParams(click(BOSS, 'deny', value, message)).get('payload') ?? '{}') as Record<string, unknown>;
    const denyClick = await post('/interactivity', new URLSearchParams({ payload: JSON.stringify({ ...payload, trigger_id: 'trig-1' }) }).toString(), { contentType: form });
    expect(await denyClick.json()).toEqual({ outcome: { kind: 'reason_asked' } });
    expect((await c.store.load(threadId))?.events.length).toBe(eventsBefore);
    const opened = await slack.waitForCall('views.open', callsBefore);
    expect(opened.body).toMatchObject({ trigger_id: 'trig-1', view: { type: 'modal', callback_id: 'deny_reason' } });
    const metadata = (opened.body['view'] as { private_metadata: string }).private_metadata;

    const submission = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: BOSS },
      view: { callback_id: 'deny_reason', private_metadata: metadata, state: { values: { reason: { reason: { type: 'plain_text_input', value: 'Facilities owns painting' } } } } },
    };
    const submitted = await post('/interactivity', new URLSearchParams({ payload: JSON.stringify(submission) }).toString(), { contentType: form });
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe('');
    expect((await c.store.load(threadId))?.events.at(-1)).toMatchObject({ type: 'approval_denied', data: { reason: 'Facilities owns painting' } });
    const update = await slack.waitForCall('chat.update', callsBefore);
    expect(update.body).toMatchObject({ channel: 'D0ALEX', ts: message.ts });
    expect(JSON.stringify(update.body['blocks'])).toContain(`Denied by <@${BOSS}>.`);

    llm.script({ intent: 'done_for_now', message: 'Understood, not filed.' });
    await c.worker.drain();
    expect(llm.requests.at(-1)?.prompt).toContain('Facilities owns painting');
    expect((await c.linear.searchIssues({ query: 'Paint the office' })).map((i) => i.title)).not.toContain('Paint the office');
  });

  it('refuses an unsigned click with 401 and a signed click that is not a payload form with 400', async () => {
    expect((await post('/interactivity', click(BOSS, 'approve', '{}'), { contentType: form, signature: 'v0=00' })).status).toBe(401);
    expect((await post('/interactivity', 'payload=%7Bnope', { contentType: form })).status).toBe(400);
  });
});

it('an answer Slack refuses (a wrong bot token) is not recorded as sent, so it stays owed', async () => {
  const config = readConfig({
    ...stubModelEnv(llm),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-wrong',
    SLACK_API_URL: slack.url,
    SLACK_TEAM_ID: TEAM,
  });
  const other = await createContainer(config, { logger: silentLogger, linear: await testWorkspace() });
  try {
    const body = event({ text: 'hello', ts: nextTs() });
    const timestamp = String(nowSeconds());
    const res = await other.app.request('/webhooks/slack/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': sign(timestamp, body) },
      body,
    });
    const threadId = await startedThread(res);
    llm.script({ intent: 'done_for_now', message: 'Hi.' });
    const refusedBefore = slack.refused.length;
    await other.worker.drain();
    expect(slack.refused.slice(refusedBefore)).toEqual(['invalid_auth']);
    const events = (await other.store.load(threadId))?.events ?? [];
    expect(events.some((e) => e.type === 'message_sent')).toBe(false);
  } finally {
    await other.close();
  }
});
