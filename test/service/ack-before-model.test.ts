// Every webhook is answered before the model is: a real `hardway serve` on a real port, a model that does not answer
// until the test lets it, and a signed email, Slack event and SMS. Each is acknowledged while the model still holds
// every call (so the 3 s budgets Slack and Twilio give hold whatever the model's speed), and each thread finishes
// once the model answers. If a request waited for the model, its fetch would never return and the test would fail.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Secret } from '../../src/channels/shared/secret.js';
import { twilioSignature } from '../../src/channels/sms/inbound/twilio-signature.js';
import { rawMail, trustedPass } from '../email/support/mail.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startSlackApi, type SlackApi } from '../support/slack-api.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { startStubLlm, type StubLlm, type StubRequest } from '../support/stub-llm.js';
import { startTwilioDouble, type TwilioDouble } from '../support/twilio-double.js';
import { seedFile } from '../support/workspace.js';

const TOKEN = 'ack-test-api-token-0123456789';
const EMAIL_WEBHOOK_SECRET = 'email-webhook-secret-0123456789abcdef';
const SLACK_SECRET = 'slack-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-ack-test';
const TEAM = 'T0ACK';
const accountSid = `AC${'b2'.repeat(16)}`;
const authToken = 'twilio-ack-auth-token';
const publicUrl = 'https://hardway.test';
const ours = '+15550000001';
const alex = '+15551230001';

let llm: StubLlm;
let slack: SlackApi;
let twilio: TwilioDouble;
let smtp: SmtpReceiver;
let server: ServerProcess;
let dir: string;

// The model holds every call until `release()`; then each thread finishes in one step.
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => {
  release = resolve;
});
const heldModel = async (request: StubRequest) => {
  await released;
  return { intent: 'done_for_now', message: `Answered: ${request.prompt.includes('fridge') ? 'fridge' : 'other'}.` };
};

beforeAll(async () => {
  llm = await startStubLlm();
  slack = await startSlackApi({ token: BOT_TOKEN });
  twilio = await startTwilioDouble({ accountSid, authToken });
  smtp = await startSmtpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'hardway-ack-'));
  server = await startServerProcess({
    API_TOKEN: TOKEN,
    DATABASE_URL: join(dir, 'threads.sqlite'),
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    LLM_MAX_RETRIES: '0',
    LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'),
    LINEAR_SEED_FILE: seedFile,
    WORKER_POLL_MS: '50',
    PREFETCH_TTL_MS: '0',
    PUBLIC_URL: publicUrl,
    EMAIL_ADDRESS: 'assistant@hardway.test',
    ALLOWED_SENDERS: '@example.com',
    TRUSTED_AUTHSERV_ID: 'mx.hardway.test',
    EMAIL_TOKEN_SECRET: 'email-token-secret-0123456789abcdef0123',
    EMAIL_WEBHOOK_SECRET,
    SMTP_URL: smtp.url,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.url,
    SLACK_TEAM_ID: TEAM,
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_FROM_NUMBER: ours,
    SMS_ALLOWED_NUMBERS: alex,
    TWILIO_API_URL: twilio.url,
  });
});
afterAll(async () => {
  release();
  await server?.stop();
  await Promise.all([llm?.close(), slack?.close(), twilio?.close(), smtp?.close()]);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function postEmail(): Promise<Response> {
  const body = rawMail({ from: 'Alice <alice@example.com>', headers: [trustedPass()], body: 'Please restock the fridge.' });
  const signature = `sha256=${createHmac('sha256', EMAIL_WEBHOOK_SECRET).update(body).digest('hex')}`;
  return fetch(`${server.url}/webhooks/email/raw`, { method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-signature-256': signature }, body });
}

function postSlack(): Promise<Response> {
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: TEAM,
    event_id: 'Ev0ACK1',
    event: { type: 'message', channel_type: 'im', channel: 'D0ALEX', user: 'U0ALEX', text: 'is the fridge stocked?', ts: '1700000000.000001' },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(`${server.url}/webhooks/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
    body,
  });
}

function postSms(): Promise<Response> {
  const sid = `SM${'a'.repeat(32)}`;
  const params = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: alex, To: ours, Body: 'fridge status?', NumMedia: '0' };
  const signature = twilioSignature(new Secret(authToken), `${publicUrl}/webhooks/sms/twilio`, params);
  return fetch(`${server.url}/webhooks/sms/twilio`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

it('acknowledges an email, a Slack event and an SMS while the model holds every call, then answers each on its channel', async () => {
  llm.script(heldModel, heldModel, heldModel);

  const [email, slackEvent, sms] = await Promise.all([postEmail(), postSlack(), postSms()]);
  expect(email.status).toBe(202);
  expect(slackEvent.status).toBe(200);
  expect(sms.status).toBe(200);
  expect(await sms.text()).toMatch(/<Response\/>$/);

  // The worker has taken all three to the model, which has answered none: the acks above did not wait for it.
  await until(() => llm.requests.length === 3, 'three model calls');
  expect(slack.calls).toEqual([]);
  expect(twilio.sent).toEqual([]);
  expect(smtp.messages).toEqual([]);

  release();
  await slack.waitForCall('chat.postMessage', 0);
  await twilio.waitFor(1);
  await smtp.waitFor(1);
  expect(slack.calls[0]?.body).toMatchObject({ channel: 'D0ALEX', thread_ts: '1700000000.000001' });
  expect(twilio.sent[0]).toMatchObject({ to: alex, body: 'Answered: fridge.' });
  expect(smtp.messages[0]?.rcptTo).toEqual(['alice@example.com']);
  expect(llm.scriptErrors).toEqual([]);
});
