// PEOPLE and APPROVALS_CHANNEL: read and validated at startup with a clear error; approver rules held across a
// person's identities; a notification routed to a channel that is off is logged once and stays owed.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { readPeople } from '../../src/app/people.js';
import type { MayApprove } from '../../src/core/human-input.js';
import { approversAcross } from '../../src/core/people.js';
import { foldState } from '../../src/core/state.js';
import { silentLogger } from '../../src/support/logger.js';
import { rawMail, trustedPass } from '../email/support/mail.js';
import { secrets, testEnv } from '../email/support/harness.js';
import { thread } from '../core/fixtures.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { startStubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';
import { createHmac } from 'node:crypto';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';

const alice = { name: 'alice', email: 'Alice@Example.com', slack: 'U0ALICE', phone: '+15551230000' };

describe('the PEOPLE setting', () => {
  it('maps each channel\'s id of a person to that person, email without case', () => {
    const people = readPeople({ PEOPLE: JSON.stringify([alice, { name: 'bob', slack: 'U0BOB' }]) });
    expect(people.personOf({ channel: 'sms', id: '+15551230000' })?.name).toBe('alice');
    expect(people.personOf({ channel: 'email', id: 'alice@example.com' })?.name).toBe('alice');
    expect(people.identitiesOf({ channel: 'slack', id: 'U0ALICE' })).toEqual([
      { channel: 'email', id: 'alice@example.com' },
      { channel: 'slack', id: 'U0ALICE' },
      { channel: 'sms', id: '+15551230000' },
    ]);
    // Someone not configured is just themselves.
    expect(people.identitiesOf({ channel: 'slack', id: 'U0NOBODY' })).toEqual([{ channel: 'slack', id: 'U0NOBODY' }]);
    expect(readPeople({}).personOf({ channel: 'sms', id: '+15551230000' })).toBeUndefined();
  });

  it('refuses what it cannot read, naming the problem', () => {
    expect(() => readPeople({ PEOPLE: '[{name:' })).toThrow(/PEOPLE must be a JSON array/);
    expect(() => readPeople({ PEOPLE: JSON.stringify([{ ...alice, phone: '555-1234' }]) })).toThrow(/phone must be in E\.164 form/);
    expect(() => readPeople({ PEOPLE: JSON.stringify([{ ...alice, fax: '1' }]) })).toThrow(/PEOPLE is invalid/);
    expect(() => readPeople({ PEOPLE: JSON.stringify([alice, { name: 'mallory', email: 'alice@example.com' }]) })).toThrow(/alice@example.com belongs to both alice and mallory/);
    expect(() => readPeople({ PEOPLE: JSON.stringify([alice, { ...alice, slack: 'U0OTHER' }]) })).toThrow(/names alice twice/);
  });

  it('stops the start on a bad PEOPLE, an unknown APPROVALS_CHANNEL, or APPROVALS_CHANNEL=slack without its channel', async () => {
    const linear = await testWorkspace();
    const start = (env: Record<string, string>) => createContainer(readConfig({ DATABASE_URL: ':memory:', ...env }), { logger: silentLogger, linear });
    await expect(start({ PEOPLE: '{"name":"alice"}' })).rejects.toThrow(/PEOPLE is invalid/);
    await expect(start({ APPROVALS_CHANNEL: 'fax' })).rejects.toThrow(/APPROVALS_CHANNEL must be one of email, sms, slack/);
    await expect(start({ APPROVALS_CHANNEL: 'slack', SLACK_SIGNING_SECRET: 's3cret-s3cret-s3cret', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_TEAM_ID: 'T0TEAM' })).rejects.toThrow(/SLACK_APPROVALS_CHANNEL is required with APPROVALS_CHANNEL=slack/);
  });
});

describe('approver rules across a person\'s identities', () => {
  const byEmail: MayApprove = (sender) => sender.id === 'alice@example.com';
  const bySlack: MayApprove = (sender) => sender.id === 'U0BOSS';
  const t = thread();

  it('maps a Linear user id (the sender of an agent session prompt) to the person, and refuses one that is not a UUID', () => {
    const linearId = '6f1e1c3a-2b4d-4e5f-8a9b-0c1d2e3f4a5b';
    const people = readPeople({ PEOPLE: JSON.stringify([{ ...alice, linear: linearId }]) });
    expect(people.personOf({ channel: 'linear', id: linearId })?.name).toBe('alice');
    expect(people.identitiesOf({ channel: 'linear', id: linearId })).toContainEqual({ channel: 'email', id: 'alice@example.com' });
    const approvers = approversAcross({ email: byEmail, linear: () => false }, people);
    expect(approvers['linear']?.({ channel: 'linear', id: linearId }, t)).toBe(true);
    expect(() => readPeople({ PEOPLE: JSON.stringify([{ ...alice, linear: 'alice' }]) })).toThrow(/linear must be a Linear user id/);
  });

  it('a sender may approve when any identity of their person is an approver by its own channel\'s rule', () => {
    const approvers = approversAcross({ email: byEmail, slack: bySlack, sms: () => false }, readPeople({ PEOPLE: JSON.stringify([alice]) }));
    expect(approvers['slack']?.({ channel: 'slack', id: 'U0ALICE' }, t)).toBe(true);
    expect(approvers['sms']?.({ channel: 'sms', id: '+15551230000' }, t)).toBe(true);
    expect(approvers['slack']?.({ channel: 'slack', id: 'U0BOSS' }, t)).toBe(true);
    // Not mapped, and no rule of their own: no.
    expect(approvers['slack']?.({ channel: 'slack', id: 'U0STRANGER' }, t)).toBe(false);
    expect(approvers['sms']?.({ channel: 'sms', id: '+15559990000' }, t)).toBe(false);
  });

  it('without PEOPLE each channel\'s rule is what it was', () => {
    const approvers = approversAcross({ email: byEmail, slack: bySlack }, readPeople({}));
    expect(approvers['slack']?.({ channel: 'slack', id: 'U0ALICE' }, t)).toBe(false);
    expect(approvers['email']?.({ channel: 'email', id: 'alice@example.com' }, t)).toBe(true);
    expect(Object.keys(approvers)).toEqual(['email', 'slack']);
  });
});

it('an approval routed to Slack while Slack is off in this process is logged once and stays owed; nothing goes by email instead', async () => {
  const llm = await startStubLlm();
  const smtp = await startSmtpReceiver();
  const lines: Array<Record<string, unknown>> = [];
  const config = readConfig({
    ...testEnv({ SMTP_URL: smtp.url }),
    DATABASE_URL: ':memory:',
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    PREFETCH_TTL_MS: '0',
    APPROVAL_INTENTS: 'create_issue',
    APPROVALS_CHANNEL: 'slack',
    LOG_LEVEL: 'warn',
  });
  const c = await createContainer(config, { linear: await testWorkspace(), logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  try {
    const team = (await c.linear.listTeams())[0]!;
    llm.script({ intent: 'create_issue', issue: { title: 'Owed approval', team_id: team.id } });
    const raw = rawMail({ from: 'alex@example.com', subject: 'Owed', body: 'File "Owed approval".', headers: [trustedPass()] });
    const signature = `sha256=${createHmac('sha256', secrets.webhook).update(raw).digest('hex')}`;
    expect((await c.app.request('/webhooks/email/raw', { method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-signature-256': signature }, body: raw })).status).toBe(202);
    await c.worker.drain();
    await c.worker.sweepNotifications();
    await c.worker.sweepNotifications();
    const threadId = (await c.store.list()).threads[0]!.id;
    const warned = lines.filter((l) => typeof l['msg'] === 'string' && l['msg'].includes('routed to slack, which is not turned on here'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ threadId, type: 'approval_requested', channel: 'slack' });
    const state = foldState((await c.store.load(threadId))!.events, linearAssistantIntents);
    expect(state.pendingNotifications.map((e) => e.type)).toEqual(['approval_requested']);
    expect(smtp.messages).toHaveLength(0);
  } finally {
    await c.close();
    await smtp.close();
    await llm.close();
  }
});
