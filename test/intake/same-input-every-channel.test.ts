// #10.1: the same human input means the same thing whichever channel carried it. Each row is one input; each cell
// sends it through one real channel — the HTTP API (app.request), the real `hardway` CLI process, a signed raw-MIME
// email webhook, the approval page's signed POST — to a fresh thread in the same state, and every channel's new
// events must equal the row's (ids, times, seqs and channel metadata — `channel`, `messageId` — normalized away).
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import { silentLogger } from '../../src/support/logger.js';
import { createApprovalToken } from '../../src/channels/email/approvals/approval-token.js';
import { emailApprovers } from '../../src/channels/email/inbound/intake.js';
import { INBOUND_SOURCE } from '../../src/channels/email/inbound/thread-mapping.js';
import type { EventDataByType, EventType, NewEvent } from '../../src/core/events.js';
import type { CallId, EventId, ThreadId } from '../../src/core/ids.js';
import { spawnOwned } from '../support/children.js';
import { seedFile, testWorkspace } from '../support/workspace.js';
import { secrets, testConfig, testEnv } from '../email/support/harness.js';
import { rawMail, trustedPass } from '../email/support/mail.js';
import { emailMessage } from '../../src/channels/email/email-received.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'test-token-0123456789abcdef';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CALL = 'call_same' as CallId;

let dir: string;
let c: Container;
let env: Record<string, string>;
let serial = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hardway-intake-'));
  env = {
    ...testEnv(),
    API_TOKEN: TOKEN,
    DATABASE_URL: join(dir, 'hardway.sqlite'),
    LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'),
    LINEAR_SEED_FILE: seedFile,
  };
  // The API lets whoever holds its token approve unless told otherwise; here it is told the email rule (the person
  // who asked, or APPROVERS), so a non-approver can be tried through it too. The rule itself is the core's.
  c = await createContainer(readConfig(env), {
    logger: silentLogger,
    linear: await testWorkspace(),
    approvers: { api: emailApprovers(testConfig()) },
  });
});
afterAll(async () => {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
});

type State = 'asking' | 'approving' | 'asking_approval';

/** A thread started by Alice's email (Bob cc'd), then paused the way the worker would have paused it. */
async function threadIn(state: State): Promise<{ threadId: ThreadId; firstMessageId: string; before: number }> {
  serial += 1;
  const threadId = `thr_intake${serial}` as ThreadId;
  const firstMessageId = `<first-${serial}@example.com>`;
  const at = new Date().toISOString();
  let n = 0;
  const event = <T extends EventType>(type: T, data: EventDataByType[T]): NewEvent => ({ id: `evt_i${serial}_${++n}` as EventId, at, type, data }) as NewEvent;
  const step = (intent: string, args: Record<string, string>, callId: CallId) =>
    event('step_decided', { callId, intent, args, idempotencyKey: `${threadId}/${callId}`, origin: 'model' });
  const paused: NewEvent[] =
    state === 'asking'
      ? [step('request_more_information', { message: 'Which team: Platform or Billing?' }, 'call_q' as CallId)]
      : state === 'asking_approval'
        ? [step('request_approval', { message: 'May I create "CSV export drops rows" in Platform?' }, 'call_q' as CallId)]
        : [
            step('create_issue', { title: 'CSV export drops rows', team: 'Platform' }, CALL),
            event('approval_requested', { callId: CALL, intent: 'create_issue', summary: 'Create "CSV export drops rows" in Platform', policy: 'writes_need_approval' }),
          ];
  const events = [
    event('message_received', emailMessage({
      from: { address: ALICE },
      to: [{ address: 'assistant@hardway.test' }],
      cc: [{ address: BOB }],
      subject: 'Export bug',
      body: 'The CSV export drops rows. Please file a bug.',
      fullBody: 'The CSV export drops rows. Please file a bug.',
      messageId: firstMessageId,
      references: [],
      previousThread: [],
      attachments: [],
    })),
    ...paused,
  ];
  await c.store.create({ id: threadId, agent: 'linear-assistant', events, delivery: { source: INBOUND_SOURCE, id: firstMessageId } });
  return { threadId, firstMessageId, before: events.length };
}

type Thread = Awaited<ReturnType<typeof threadIn>>;

// --- the four channels, each exactly as a person (or their mail server) reaches it ---

async function api(t: Thread, body: object, idempotencyKey?: string): Promise<void> {
  const res = await c.app.request(`/v1/threads/${t.threadId}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
}

function cli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnOwned(process.execPath, ['bin/hardway.js', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BAML_LOG: 'error', DATABASE_URL: env.DATABASE_URL ?? '', LINEAR_WORKSPACE_FILE: env.LINEAR_WORKSPACE_FILE ?? '', LINEAR_SEED_FILE: seedFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`hardway ${args.join(' ')} exited ${String(code)}: ${stderr}`))));
  });
}

/** Answers 202 when the mail was taken in, 200 for a redelivery (and for a dropped mail, which no cell expects). */
async function email(t: Thread, from: string, body: string, messageId = `<reply-${++serial}@example.com>`, status = 202): Promise<void> {
  const raw = rawMail({ from, headers: [trustedPass()], subject: 'Re: Export bug', inReplyTo: t.firstMessageId, messageId, body });
  const res = await c.app.request('/webhooks/email/raw', {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', 'x-signature-256': `sha256=${createHmac('sha256', secrets.webhook).update(raw).digest('hex')}` },
    body: raw,
  });
  expect(res.status).toBe(status);
}

async function page(t: Thread, approver: string, fields: Record<string, string>, status = 200): Promise<void> {
  const token = createApprovalToken({ threadId: t.threadId, callId: CALL, approver, expiresAt: Date.now() + 3_600_000 }, testConfig().tokenSecret);
  const res = await c.app.request(`/approvals/${token}`, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(res.status).toBe(status);
}

/** The events the input added, with what differs by channel alone taken out. */
async function added(t: Thread): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const events = (await c.store.load(t.threadId))?.events ?? [];
  return events.slice(t.before).map((e) => ({
    type: e.type,
    data: Object.fromEntries(Object.entries(e.data).filter(([key]) => key !== 'channel' && key !== 'messageId')),
  }));
}

type Send = (t: Thread) => Promise<unknown>;
interface Row {
  input: string;
  state: State;
  expected: Array<{ type: string; data: Record<string, unknown> }>;
  /** A channel that cannot carry this input says why instead. */
  via: Record<'api' | 'cli' | 'email' | 'page', Send | string>;
}

const table: Row[] = [
  {
    input: 'an answer to the question',
    state: 'asking',
    expected: [{ type: 'human_replied', data: { from: ALICE, message: 'Platform' } }],
    via: {
      api: (t) => api(t, { type: 'response', message: 'Platform', from: ALICE }),
      cli: (t) => cli(['respond', t.threadId, 'Platform', '--from', ALICE]),
      email: (t) => email(t, ALICE, 'Platform'),
      page: 'the link decides the approval it names; it carries no answer',
    },
  },
  {
    input: 'approve',
    state: 'approving',
    expected: [{ type: 'approval_granted', data: { callId: CALL, by: ALICE } }],
    via: {
      api: (t) => api(t, { type: 'approval', approved: true, by: ALICE }),
      cli: (t) => cli(['approve', t.threadId, '--from', ALICE]),
      email: (t) => email(t, ALICE, 'approve'),
      page: (t) => page(t, ALICE, { decision: 'approve' }),
    },
  },
  {
    input: 'deny',
    state: 'approving',
    expected: [{ type: 'approval_denied', data: { callId: CALL, by: ALICE } }],
    via: {
      api: (t) => api(t, { type: 'approval', approved: false, by: ALICE }),
      cli: (t) => cli(['deny', t.threadId, '--from', ALICE]),
      email: (t) => email(t, ALICE, 'deny'),
      page: (t) => page(t, ALICE, { decision: 'deny' }),
    },
  },
  {
    input: 'deny with a reason',
    state: 'approving',
    expected: [{ type: 'approval_denied', data: { callId: CALL, by: ALICE, reason: 'wrong team, use Billing' } }],
    via: {
      api: (t) => api(t, { type: 'approval', approved: false, by: ALICE, comment: 'wrong team, use Billing' }),
      cli: (t) => cli(['deny', t.threadId, 'wrong', 'team,', 'use', 'Billing', '--from', ALICE]),
      email: (t) => email(t, ALICE, 'deny: wrong team, use Billing'),
      page: (t) => page(t, ALICE, { decision: 'deny', reason: 'wrong team, use Billing' }),
    },
  },
  {
    input: 'free text while an approval is pending (feedback)',
    state: 'approving',
    expected: [{ type: 'human_replied', data: { from: ALICE, message: 'yes, but put it in Billing' } }],
    via: {
      api: (t) => api(t, { type: 'message', message: 'yes, but put it in Billing', from: ALICE }),
      cli: 'the CLI asks for approve or deny; `hardway respond` answers questions only',
      email: (t) => email(t, ALICE, 'yes, but put it in Billing'),
      page: 'the page has approve and deny only',
    },
  },
  {
    input: 'a non-approver\'s "approve" (their words, never a decision)',
    state: 'approving',
    expected: [{ type: 'human_replied', data: { from: BOB, message: 'approve' } }],
    via: {
      api: (t) => api(t, { type: 'approval', approved: true, by: BOB }),
      cli: 'whoever runs the CLI on this machine may approve',
      email: (t) => email(t, BOB, 'approve'),
      // A link made out to Bob, as if he had been an approver when it was sent.
      page: (t) => page(t, BOB, { decision: 'approve' }),
    },
  },
  {
    input: 'a duplicate delivery of "approve" (recorded once)',
    state: 'approving',
    expected: [{ type: 'approval_granted', data: { callId: CALL, by: ALICE } }],
    via: {
      api: async (t) => {
        await api(t, { type: 'approval', approved: true, by: ALICE }, `key-${t.threadId}`);
        await api(t, { type: 'approval', approved: true, by: ALICE }, `key-${t.threadId}`);
      },
      cli: 'a shell does not redeliver: a second `hardway approve` is a second decision',
      email: async (t) => {
        const messageId = `<dup-${t.threadId}@example.com>`;
        await email(t, ALICE, 'approve', messageId);
        await email(t, ALICE, 'approve', messageId, 200);
      },
      page: async (t) => {
        await page(t, ALICE, { decision: 'approve' });
        // The link has no delivery id: the second POST finds the request decided, says so, and changes nothing.
        await page(t, ALICE, { decision: 'approve' }, 409);
      },
    },
  },
  {
    input: '"approve" answering the agent\'s request_approval question',
    state: 'asking_approval',
    expected: [{ type: 'approval_granted', data: { by: ALICE } }],
    via: {
      api: (t) => api(t, { type: 'approval', approved: true, by: ALICE }),
      cli: (t) => cli(['approve', t.threadId, '--from', ALICE]),
      email: (t) => email(t, ALICE, 'approve'),
      page: 'no link is sent for a question',
    },
  },
];

describe('#10.1: the same human input through every channel records the same events', () => {
  for (const row of table) {
    it(row.input, async () => {
      const results: Record<string, unknown> = {};
      for (const [channel, send] of Object.entries(row.via)) {
        if (typeof send === 'string') continue;
        const t = await threadIn(row.state);
        await send(t);
        results[channel] = await added(t);
      }
      const expected = Object.fromEntries(Object.entries(row.via).flatMap(([channel, send]) => (typeof send === 'string' ? [] : [[channel, row.expected]])));
      expect(results).toEqual(expected);
    }, 60_000);
  }
});
