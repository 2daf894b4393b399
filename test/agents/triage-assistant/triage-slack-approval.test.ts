// The Triage Assistant's approval through the channel approvals are configured for (APPROVALS_CHANNEL=slack): the
// request is posted to the Slack approvals channel, an approver's click resumes the thread, and the assignment lands
// once in the Linear double.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../../src/app/config.js';
import { createContainer, type Container } from '../../../src/app/container.js';
import type { ThreadId } from '../../../src/core/ids.js';
import { silentLogger } from '../../../src/support/logger.js';
import { startLinearDouble, type LinearDouble } from '../../support/linear-double/linear-double.js';
import { linearDoubleEnv, listen, stubModelEnv, type Listening } from '../../support/program.js';
import { startSlackApi, type SlackApi } from '../../support/slack-api.js';
import { startStubLlm, type StubLlm } from '../../support/stub-llm.js';
import { testWorkspace } from '../../support/workspace.js';
import type { LocalWorkspace } from '../../../src/linear/local-workspace/local-workspace.js';

const WEBHOOK_SECRET = 'lin_wh_test_triage_slack_0123';
const SIGNING_SECRET = 'slack-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-test-0123456789';
const TEAM = 'T0TEAM';
const APPROVALS = 'C0APPROVALS';
const BOSS = 'U0BOSS';

let llm: StubLlm;
let slack: SlackApi;
let workspace: LocalWorkspace;
let linear: LinearDouble;
let c: Container;
let served: Listening;

beforeAll(async () => {
  llm = await startStubLlm();
  slack = await startSlackApi({ token: BOT_TOKEN });
  workspace = await testWorkspace();
  linear = await startLinearDouble({ workspace });
  const config = readConfig({
    ...stubModelEnv(llm),
    LINEAR_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TRIAGE_TEAM_KEYS: 'OPS',
    ...linearDoubleEnv(linear),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.url,
    SLACK_TEAM_ID: TEAM,
    SLACK_APPROVALS_CHANNEL: APPROVALS,
    SLACK_APPROVERS: BOSS,
    APPROVALS_CHANNEL: 'slack',
  });
  c = await createContainer(config, { logger: silentLogger });
  served = await listen(c);
});
afterAll(async () => {
  await served.close();
  await c.close();
  await linear.close();
  await slack.close();
  await llm.close();
});

function postSlack(path: string, body: string, contentType: string): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(`${served.base}/webhooks/slack${path}`, { method: 'POST', headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature }, body });
}

it('an Issue create webhook → a proposal that assigns → the approval request in the Slack approvals channel → an approver clicks → the assignment applied once → a comment', async () => {
  const issue = await workspace.createIssue({ title: 'The fridge on 3 is empty', teamId: 'OPS' }, { idempotencyKey: randomUUID() });
  const [user] = await workspace.listUsers({ teamId: 'OPS' });
  if (user === undefined) throw new Error('the seed has no OPS user');
  const body = JSON.stringify({
    action: 'create',
    type: 'Issue',
    actor: { id: 'user-alex', name: 'Alex' },
    webhookTimestamp: Date.now(),
    data: { id: issue.id, identifier: issue.identifier, title: issue.title, priority: 0, updatedAt: issue.updatedAt, assigneeId: null, team: { id: issue.team.id, key: issue.team.key } },
  });
  const res = await fetch(`${served.base}/webhooks/linear`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'linear-signature': createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex'), 'linear-delivery': randomUUID() },
    body,
  });
  const threadId = ((await res.json()) as { outcome: { threadId: ThreadId } }).outcome.threadId;

  llm.script({ intent: 'apply_triage', issue_id: issue.identifier, assignee_id: user.id, priority: 3, reasons: 'Facilities chore.' });
  await c.worker.drain();
  const posted = slack.calls.filter((call) => call.method === 'chat.postMessage');
  expect(posted).toHaveLength(1);
  expect(posted[0]?.body['channel']).toBe(APPROVALS);
  const actions = (posted[0]?.body['blocks'] as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
  const value = actions?.elements?.[0]?.value ?? '';
  const sent = (await c.store.load(threadId))?.events.filter((e) => e.type === 'message_sent').at(-1);
  const approvalTs = (sent?.type === 'message_sent' ? sent.data.messageId : undefined)?.split(':')[1] ?? '';
  expect((await workspace.getIssue(issue.id)).assignee).toBeNull();

  llm.script({ intent: 'add_comment', issue_id: issue.identifier, body: `Assigned to ${user.name}, priority medium.` }, { intent: 'done_for_now', message: 'Triaged.' });
  const payload = { type: 'block_actions', team: { id: TEAM }, user: { id: BOSS }, actions: [{ action_id: 'approve', value, action_ts: '1700000200.000001' }], channel: { id: APPROVALS }, message: { ts: approvalTs } };
  const clicked = await postSlack('/interactivity', new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  expect(await clicked.json()).toEqual({ outcome: { kind: 'resumed', threadId } });
  await c.worker.drain();

  const after = await workspace.getIssue(issue.id);
  expect({ assignee: after.assignee?.id, priority: after.priority }).toEqual({ assignee: user.id, priority: 3 });
  expect(linear.requests.filter((r) => r.operationName === 'IssueUpdate')).toHaveLength(1);
  expect((await workspace.getIssueComments(issue.id, {})).comments.map((cm) => cm.body)).toEqual([`Assigned to ${user.name}, priority medium.`]);
  expect((await c.store.list({ id: threadId, limit: 1 })).threads[0]?.status).toBe('done');
});
