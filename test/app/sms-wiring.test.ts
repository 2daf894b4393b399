// The whole program with SMS on: Twilio's signed webhook (real signatures), the Twilio REST double on 127.0.0.1 and
// the scripted model. An SMS starts a thread and the answer comes back by SMS; a question is answered by SMS; an
// approval needs the code the assistant sent; bad signatures, replays and malformed bodies are refused or ignored.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import { Secret } from '../../src/channels/shared/secret.js';
import { twilioSignature } from '../../src/channels/sms/inbound/twilio-signature.js';
import { silentLogger } from '../../src/support/logger.js';
import { linearDoubleEnv, listen, stubModelEnv, type Listening } from '../support/program.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { startTwilioDouble, type TwilioDouble } from '../support/twilio-double.js';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';
import { testWorkspace } from '../support/workspace.js';

const accountSid = `AC${'a1'.repeat(16)}`;
const authToken = 'twilio-test-auth-token';
const publicUrl = 'https://hardway.test';
const ours = '+15550000001';
const alex = '+15551230001';
const stranger = '+15559990009';

let llm: StubLlm;
let twilio: TwilioDouble;
let c: Container;
let linear: LinearDouble;
let served: Listening;
let base: string;
let sids = 0;

beforeAll(async () => {
  llm = await startStubLlm();
  twilio = await startTwilioDouble({ accountSid, authToken });
  linear = await startLinearDouble({ workspace: await testWorkspace() });
  const config = readConfig({
    ...stubModelEnv(llm),
    APPROVAL_INTENTS: 'create_issue',
    PUBLIC_URL: publicUrl,
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_FROM_NUMBER: ours,
    SMS_ALLOWED_NUMBERS: `${alex}, +15551230002`,
    TWILIO_API_URL: twilio.url,
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
  await twilio.close();
  await llm.close();
});
beforeEach(() => {
  llm.reset();
});

const newSid = () => `SM${String(++sids).padStart(32, 'f')}`;

function sms(from: string, body: string, messageSid = newSid()): Record<string, string> {
  return { MessageSid: messageSid, SmsSid: messageSid, AccountSid: accountSid, From: from, To: ours, Body: body, NumMedia: '0' };
}

/** `null`: no signature header at all. */
async function post(params: Record<string, string>, given?: string | null): Promise<Response> {
  const signature = given === undefined ? twilioSignature(new Secret(authToken), `${publicUrl}/webhooks/sms/twilio`, params) : given;
  return fetch(`${base}/webhooks/sms/twilio`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== null ? { 'x-twilio-signature': signature } : {}) },
    body: new URLSearchParams(params).toString(),
  });
}

async function threadCount(): Promise<number> {
  return (await c.store.list()).threads.length;
}

it('a good signature is answered 200 with empty TwiML, and an SMS starts a thread whose answer is sent back by SMS', async () => {
  llm.script({ intent: 'done_for_now', message: 'Hello from the assistant.' });
  const before = twilio.sent.length;
  const res = await post(sms(alex, 'hi, what can you do?'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
  expect(await res.text()).toMatch(/<Response\/>$/);
  await c.worker.drain();
  const sent = await twilio.waitFor(before + 1);
  expect(sent[before]).toMatchObject({ to: alex, from: ours, body: 'Hello from the assistant.' });
  expect(twilio.refused).toEqual([]);
});

it('a bad or missing signature is 401 and starts nothing', async () => {
  const before = await threadCount();
  const params = sms(alex, 'hi');
  expect((await post(params, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).status).toBe(401);
  expect((await post(params, null)).status).toBe(401);
  // Signed by someone with another token, or over other parameters than those sent.
  expect((await post(params, twilioSignature(new Secret('another-token'), `${publicUrl}/webhooks/sms/twilio`, params))).status).toBe(401);
  expect((await post({ ...params, Body: 'changed' }, twilioSignature(new Secret(authToken), `${publicUrl}/webhooks/sms/twilio`, params))).status).toBe(401);
  expect(await threadCount()).toBe(before);
});

it('a malformed body is 400, even when signed', async () => {
  const before = await threadCount();
  const { MessageSid: _dropped, ...noSid } = sms(alex, 'hi');
  expect((await post(noSid)).status).toBe(400);
  const res = await fetch(`${base}/webhooks/sms/twilio`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' }, body: '{}' });
  expect(res.status).toBe(400);
  expect(await threadCount()).toBe(before);
});

it('a replayed MessageSid is processed once', async () => {
  llm.script({ intent: 'done_for_now', message: 'Once.' });
  const before = await threadCount();
  const params = sms(alex, 'only once please');
  expect((await post(params)).status).toBe(200);
  expect((await post(params)).status).toBe(200);
  await c.worker.drain();
  expect(await threadCount()).toBe(before + 1);
  expect(llm.requests).toHaveLength(1);
});

it('a number that is not allowed is heard by nobody: 200 for Twilio, no thread, no SMS back', async () => {
  const before = { threads: await threadCount(), sent: twilio.sent.length };
  expect((await post(sms(stranger, 'let me in'))).status).toBe(200);
  await c.worker.drain();
  expect(await threadCount()).toBe(before.threads);
  expect(twilio.sent.length).toBe(before.sent);
});

it('a question is sent by SMS, and the SMS answer resumes the same thread', async () => {
  llm.script({ intent: 'request_more_information', message: 'Which team should own the restock?' }, { intent: 'done_for_now', message: 'Thanks, noted.' });
  const before = { threads: await threadCount(), sent: twilio.sent.length };
  await post(sms(alex, 'make an issue to restock the fridges'));
  await c.worker.drain();
  expect((await twilio.waitFor(before.sent + 1))[before.sent]?.body).toBe('Which team should own the restock?');
  await post(sms(alex, 'Operations.'));
  await c.worker.drain();
  expect(await threadCount()).toBe(before.threads + 1);
  expect((await twilio.waitFor(before.sent + 2))[before.sent + 1]?.body).toBe('Thanks, noted.');
  expect(llm.requests[1]?.prompt).toContain('Operations.');
  const newest = (await c.store.list()).threads.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  expect(newest?.status).toBe('done');
  const thread = await c.store.load(newest!.id);
  expect(thread?.events.filter((e) => e.type === 'human_replied').map((e) => e.type === 'human_replied' && e.data.message)).toEqual(['Operations.']);
});

it('an approval by "YES <code>" continues the thread; a wrong code or a bare yes decides nothing', async () => {
  const team = (await c.linear.listTeams())[0]!;
  llm.script({ intent: 'create_issue', issue: { title: 'Fridge empty by SMS', team_id: team.id } });
  const before = twilio.sent.length;
  await post(sms(alex, 'file "Fridge empty by SMS"'));
  await c.worker.drain();
  const request = (await twilio.waitFor(before + 1))[before]?.body ?? '';
  const code = /Reply YES (\d{6}) /.exec(request)?.[1];
  expect(code).toMatch(/^\d{6}$/);
  const threadId = (await c.store.list({ status: 'awaiting_approval' })).threads[0]!.id;

  const wrong = code === '000000' ? '111111' : '000000';
  // Taken as words (feedback): the model is asked again and requests the same approval.
  let events = (await c.store.load(threadId))!.events;
  for (const words of [`YES ${wrong}`, 'yes']) {
    llm.script({ intent: 'create_issue', issue: { title: 'Fridge empty by SMS', team_id: team.id } });
    await post(sms(alex, words));
    await c.worker.drain();
    events = (await c.store.load(threadId))!.events;
    expect(events.some((e) => e.type === 'approval_granted')).toBe(false);
    expect(events.filter((e) => e.type === 'human_replied').at(-1)).toMatchObject({ data: { message: words, channel: 'sms' } });
    expect(events.filter((e) => e.type !== 'message_sent').at(-1)?.type).toBe('approval_requested');
  }
  expect((await c.linear.searchIssues({ query: 'Fridge empty by SMS' })).map((i) => i.title)).not.toContain('Fridge empty by SMS');

  const sentAfterWrong = await twilio.waitFor(before + 3);
  const code2 = /Reply YES (\d{6}) /.exec(sentAfterWrong[before + 2]?.body ?? '')?.[1];
  expect(code2).not.toBe(code);
  llm.script({ intent: 'done_for_now', message: 'Filed.' });
  await post(sms(alex, `yes ${code2 ?? ''}`));
  await c.worker.drain();
  events = (await c.store.load(threadId))!.events;
  expect(events.filter((e) => e.type === 'approval_granted')).toHaveLength(1);
  expect((await c.linear.searchIssues({ query: 'Fridge empty by SMS' })).map((i) => i.title)).toContain('Fridge empty by SMS');
  expect((await twilio.waitFor(before + 4))[before + 3]?.body).toBe('Filed.');
  expect((await c.store.list({ id: threadId, limit: 1 })).threads[0]?.status).toBe('done');
});

it('splits an answer longer than one SMS into messages Twilio accepts', async () => {
  const long = Array.from({ length: 500 }, (_, i) => `line${i}`).join(' ');
  llm.script({ intent: 'done_for_now', message: long });
  const before = twilio.sent.length;
  await post(sms(alex, 'tell me a lot'));
  await c.worker.drain();
  await twilio.waitFor(before + 2);
  const parts = twilio.sent.slice(before).map((s) => s.body);
  expect(parts.join(' ')).toBe(long);
  expect(twilio.refused).toEqual([]);
});

it('an answer Twilio refused stays pending and goes out on the notification sweep, once', async () => {
  llm.script({ intent: 'done_for_now', message: 'Sent after the outage.' });
  const before = twilio.sent.length;
  twilio.failNext(1);
  await post(sms('+15551230002', 'are you there?'));
  await c.worker.drain();
  expect(twilio.sent.length).toBe(before);
  expect(twilio.refused.at(-1)).toBe('service unavailable');
  await c.worker.sweepNotifications();
  expect((await twilio.waitFor(before + 1))[before]).toMatchObject({ to: '+15551230002', body: 'Sent after the outage.' });
  await c.worker.sweepNotifications();
  expect(twilio.sent.length).toBe(before + 1);
});
