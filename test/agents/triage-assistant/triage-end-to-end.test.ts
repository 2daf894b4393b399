// The Triage Assistant through the whole program: a signed Linear `Issue` `create` webhook over real HTTP starts its
// thread, the worker runs the scripted stub model, the tools write over GraphQL to the Linear double (which checks
// every document against Linear's schema), and the approval comes through the API.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/app/config.js';
import { createContainer, type Container } from '../../../src/app/container.js';
import type { ThreadEvent } from '../../../src/core/events.js';
import type { ThreadId } from '../../../src/core/ids.js';
import type { LinearIssue } from '../../../src/linear/linear-port.js';
import { createLocalWorkspace, type LocalWorkspace } from '../../../src/linear/local-workspace/local-workspace.js';
import { silentLogger } from '../../../src/support/logger.js';
import { startLinearDouble, type LinearDouble } from '../../support/linear-double/linear-double.js';
import { linearDoubleEnv, listen, stubModelEnv, type Listening } from '../../support/program.js';
import { startStubLlm, type StubLlm } from '../../support/stub-llm.js';
import { seedFile } from '../../support/workspace.js';

const WEBHOOK_SECRET = 'lin_wh_test_triage_0123456789';
const TOKEN = 'api-token-triage-0123456789';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

let llm: StubLlm;
let workspace: LocalWorkspace;
let linear: LinearDouble;
let c: Container;
let served: Listening;
/** The workspace's clock: a human's edit is stamped strictly after the webhook, without waiting on real time. */
let workspaceNow = Date.parse('2026-12-01T09:00:00.000Z');

beforeAll(async () => {
  llm = await startStubLlm();
  workspace = createLocalWorkspace({ file: ':memory:', seedFile, clock: { now: () => new Date(workspaceNow) } });
  linear = await startLinearDouble({ workspace });
  const config = readConfig({
    ...stubModelEnv(llm),
    API_TOKEN: TOKEN,
    LINEAR_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TRIAGE_TEAM_KEYS: 'ops',
    ...linearDoubleEnv(linear),
  });
  c = await createContainer(config, { logger: silentLogger });
  served = await listen(c);
});
afterAll(async () => {
  await served.close();
  await c.close();
  await linear.close();
  await llm.close();
});
beforeEach(() => llm.reset());

const sign = (body: string): string => createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');

async function postWebhook(body: string, delivery = randomUUID()): Promise<{ kind: string; threadId?: ThreadId; reason?: string }> {
  const res = await fetch(`${served.base}/webhooks/linear`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'linear-event': 'Issue', 'linear-signature': sign(body), 'linear-delivery': delivery },
    body,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { outcome: { kind: string; threadId?: ThreadId; reason?: string } }).outcome;
}

/** Linear's `Issue` `create` data webhook for an issue of the workspace, as Linear sends it. */
function issueCreated(issue: LinearIssue): string {
  return JSON.stringify({
    action: 'create',
    type: 'Issue',
    actor: { id: 'user-alex', name: 'Alex', type: 'user' },
    createdAt: issue.createdAt,
    url: issue.url,
    organizationId: 'org-1',
    webhookId: 'webhook-1',
    webhookTimestamp: Date.now(),
    data: {
      id: issue.id,
      identifier: issue.identifier,
      title: issue.title,
      description: issue.description,
      priority: issue.priority,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      assigneeId: issue.assignee?.id ?? null,
      labelIds: [],
      teamId: issue.team.id,
      team: { id: issue.team.id, key: issue.team.key },
    },
  });
}

async function newIssue(title: string, teamKey = 'OPS'): Promise<LinearIssue> {
  workspaceNow += 60_000;
  return workspace.createIssue({ title, teamId: teamKey, description: 'Nobody restocked it since Monday.' }, { idempotencyKey: randomUUID() });
}

async function events(id: ThreadId): Promise<readonly ThreadEvent[]> {
  return (await c.store.load(id))?.events ?? [];
}

async function statusOf(id: ThreadId): Promise<string | undefined> {
  return (await c.store.list({ id, limit: 1 })).threads[0]?.status;
}

const writes = (op: 'IssueUpdate' | 'CommentCreate'): number => linear.requests.filter((r) => r.operationName === op && r.valid).length;

describe('the Triage Assistant, started by a Linear Issue create webhook', () => {
  it('proposes labels, priority and an assignee; the assignee waits for an approval through the API; then everything is applied once and it comments what it did', async () => {
    const issue = await newIssue('The fridge on 3 is empty');
    const [label] = await workspace.listLabels({ teamId: 'OPS' });
    const [user] = await workspace.listUsers({ teamId: 'OPS' });
    if (label === undefined || user === undefined) throw new Error('the seed has no OPS label or user');
    const before = { updates: writes('IssueUpdate'), comments: writes('CommentCreate') };

    const started = await postWebhook(issueCreated(issue));
    expect(started.kind).toBe('triage_started');
    const id = started.threadId as ThreadId;
    expect((await c.store.load(id))?.agent).toBe('triage-assistant');

    llm.script(
      { intent: 'search_issues', query: 'fridge empty' },
      { intent: 'apply_triage', issue_id: issue.identifier, label_ids: [label.id], priority: 2, assignee_id: user.id, reasons: 'Facilities chore; the fridge is a recurring ask.' },
    );
    await c.worker.drain();
    expect(await statusOf(id)).toBe('awaiting_approval');
    const asked = (await events(id)).find((e) => e.type === 'approval_requested');
    expect(asked?.data).toMatchObject({ policy: 'assigns an issue' });
    expect(writes('IssueUpdate')).toBe(before.updates);

    // A redelivery of the same issue's webhook (a new delivery id) starts nothing.
    expect((await postWebhook(issueCreated(issue))).kind).toBe('duplicate');

    llm.script(
      { intent: 'add_comment', issue_id: issue.identifier, body: `Triaged: label ${label.name}, priority high, assigned to ${user.name}.` },
      { intent: 'done_for_now', message: `Triaged ${issue.identifier}.` },
    );
    const approval = await fetch(`${served.base}/v1/threads/${id}/responses`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'approval', approved: true, by: 'triager@example.com' }) });
    expect(approval.status).toBe(202);
    await c.worker.drain();

    expect(await statusOf(id)).toBe('done');
    const after = await workspace.getIssue(issue.id);
    expect({ labels: after.labels, priority: after.priority, assignee: after.assignee?.id }).toEqual({ labels: [label.name], priority: 2, assignee: user.id });
    expect(writes('IssueUpdate') - before.updates).toBe(1);
    expect(writes('CommentCreate') - before.comments).toBe(1);
    const comments = await workspace.getIssueComments(issue.id, {});
    expect(comments.comments.map((cm) => cm.body)).toEqual([`Triaged: label ${label.name}, priority high, assigned to ${user.name}.`]);
    expect((await c.store.list()).threads.filter((t) => t.agent === 'triage-assistant' && t.id === id)).toHaveLength(1);
    expect(llm.scriptErrors).toEqual([]);
  });

  it('a human edits the issue before it writes: nothing is written, the reason is recorded, and a later write waits for a human', async () => {
    const issue = await newIssue('The printer on 2 jams');
    const [label] = await workspace.listLabels({ teamId: 'OPS' });
    if (label === undefined) throw new Error('the seed has no OPS label');
    const id = (await postWebhook(issueCreated(issue))).threadId as ThreadId;
    const before = { updates: writes('IssueUpdate'), comments: writes('CommentCreate') };

    // The human's edit lands after the webhook fired, before the worker takes the thread's first step.
    workspaceNow += 5_000;
    await workspace.updateIssue(issue.id, { title: 'The printer on 2 jams (tray 3)' }, { idempotencyKey: randomUUID() });

    llm.script(
      { intent: 'apply_triage', issue_id: issue.identifier, label_ids: [label.id], priority: 3, reasons: 'A facilities chore.' },
      { intent: 'add_comment', issue_id: issue.identifier, body: 'Triaged.' },
    );
    await c.worker.drain();

    const log = await events(id);
    const failed = log.find((e) => e.type === 'tool_failed');
    expect(failed?.data).toMatchObject({ intent: 'apply_triage', error: { kind: 'changed_by_human', retryable: false } });
    expect(failed?.type === 'tool_failed' ? failed.data.error.message : '').toContain('after the webhook');
    // The comment the model tried next is held for a human: the policy, not the model, stops it.
    expect(await statusOf(id)).toBe('awaiting_approval');
    expect(log.find((e) => e.type === 'approval_requested')?.data).toMatchObject({ policy: 'a human changed the issue after the webhook' });
    expect(writes('IssueUpdate')).toBe(before.updates);
    expect(writes('CommentCreate')).toBe(before.comments);
    const after = await workspace.getIssue(issue.id);
    expect({ labels: after.labels, priority: after.priority, title: after.title }).toEqual({ labels: [], priority: issue.priority, title: 'The printer on 2 jams (tray 3)' });
  });

  it('an Issue webhook passes the same checks as every Linear webhook: a bad signature or a stale timestamp is refused (401) and starts nothing', async () => {
    const issue = await newIssue('The coffee machine leaks');
    const count = (await c.store.list()).threads.length;
    const body = issueCreated(issue);
    const headers = { 'content-type': 'application/json', 'linear-delivery': randomUUID() };
    const forged = await fetch(`${served.base}/webhooks/linear`, { method: 'POST', headers: { ...headers, 'linear-signature': sign(`${body} `) }, body });
    expect(forged.status).toBe(401);
    const stale = JSON.stringify({ ...(JSON.parse(body) as object), webhookTimestamp: Date.now() - 10 * 60_000 });
    expect((await fetch(`${served.base}/webhooks/linear`, { method: 'POST', headers: { ...headers, 'linear-signature': sign(stale) }, body: stale })).status).toBe(401);
    expect((await c.store.list()).threads.length).toBe(count);
  });

  it('an issue of a team not in TRIAGE_TEAM_KEYS starts no thread', async () => {
    const issue = await newIssue('Ship the new landing page', 'MKT');
    const count = (await c.store.list()).threads.length;
    expect(await postWebhook(issueCreated(issue))).toEqual({ kind: 'ignored', reason: 'team_not_triaged' });
    expect((await c.store.list()).threads.length).toBe(count);
  });
});
