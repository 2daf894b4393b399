// #10 item 4: threads stored before the core had one generic inbound event begin with an `email_received` row.
// On both backends such a row, written by raw SQL as the old code wrote it, reads as the email channel's
// `message_received` through the upcaster the composition root hands the store: the thread loads, folds, renders
// byte for byte as before, and resumes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';
import { inboundDescribers } from '../../src/app/channel-events.js';
import { channels } from '../../src/app/channels.js';
import type { Container } from '../../src/app/container.js';
import { emailOf } from '../../src/channels/email/email-received.js';
import { firstEmail, participantsOf } from '../../src/channels/email/thread-people.js';
import { describeEvent } from '../../src/cli/format.js';
import type { ThreadId } from '../../src/core/ids.js';
import { foldState } from '../../src/core/state.js';
import { openStore } from '../../src/store/open-store.js';
import { mail } from '../core/fixtures.js';
import { body, example1 } from '../core/render-scenarios.js';
import { threadPart } from '../loop/harness.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/** The seed's email as the old `email_received` event data: what the old intake stored. */
const legacy = mail(body);

interface Backend {
  url(): Promise<string>;
  /** Turns the thread's first event into a legacy `email_received` row, behind the store's back. */
  rewriteFirst(url: string, threadId: ThreadId, data: object): Promise<void>;
}

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());

// The production agent renders the lean profile: the seed's first window, less its empty previous thread.
const leanExample1 = example1.replace('\n    Previous Thread: []', '');

function describeLegacyEmail(name: string, backend: () => Backend): void {
  it(`a stored email_received thread loads as message_received, folds, renders byte for byte as before and resumes (${name})`, async () => {
    const { url, rewriteFirst } = backend();
    const databaseUrl = await url();
    const c: Container = await startStubContainer(llm, { API_TOKEN: TOKEN, DATABASE_URL: databaseUrl });
    try {
      const team = (await c.linear.listTeams())[0];
      const issue = (await c.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
      if (!team || !issue) throw new Error('seed workspace has no team or issue');
      const done = (await c.linear.listWorkflowStates({ teamId: team.id })).find((s) => s.type === 'completed');
      llm.script(
        { intent: 'update_issue', issue_ids: [issue.identifier], changes: { state_id: done?.id ?? 'Done' } },
        { intent: 'done_for_now', message: `Closed ${issue.identifier}.` },
      );
      const launched = await c.app.request('/v1/threads', { method: 'POST', headers: auth, body: JSON.stringify({ message: 'placeholder', from: 'user@example.com' }) });
      const id = ((await launched.json()) as { thread_id: ThreadId }).thread_id;
      await c.worker.drain();
      await rewriteFirst(databaseUrl, id, legacy);

      // Loads: the old row reads as the email channel's generic message, the same email.
      const thread = await c.store.load(id);
      const first = thread?.events[0];
      if (thread === undefined || first?.type !== 'message_received') throw new Error(`expected message_received, got ${first?.type}`);
      expect(first.data).toMatchObject({ channel: 'email', from: 'user@example.com', text: body, messageId: legacy.messageId });
      expect(emailOf(first.data)).toEqual(legacy);

      // Folds: status, the pending approval, the people on the email.
      const state = foldState(thread.events, linearAssistantIntents);
      expect(state.status).toBe('awaiting_approval');
      expect(state.pendingApproval?.data.intent).toBe('update_issue');
      expect(state.lastHumanInput).toMatchObject({ channel: 'email', from: 'user@example.com' });
      expect([...participantsOf(firstEmail(state), [], 'assistant@company.com')]).toEqual(['user@example.com', 'linear-assistant@company.com']);
      expect(describeEvent(first, inboundDescribers(channels))).toBe(`email from user@example.com: Create issue for restocking — ${body}`);

      // Renders as before: the context the model's step was decided on, through the API, starts with the seed's window.
      const context = await c.app.request(`/v1/threads/${id}/context`, { headers: auth });
      const steps = ((await context.json()) as { steps: Array<{ context: string }> }).steps;
      expect(steps[0]?.context).toBe(leanExample1);

      // Resumes: approved, the tool runs, the model sees the email rendered as before, and the thread is done.
      const approved = await c.app.request(`/v1/threads/${id}/responses`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'approval', approved: true, by: 'user@example.com' }) });
      expect(approved.status).toBe(202);
      await c.worker.drain();
      expect(foldState((await c.store.load(id))?.events ?? [], linearAssistantIntents).status).toBe('done');
      expect((await c.linear.getIssue(issue.identifier)).state.type).toBe('completed');
      expect(threadPart(llm.requests.at(-1)?.prompt ?? '')).toContain(`${leanExample1}\n\n<update_issue>`);
    } finally {
      await c.close();
    }
  });

  it(`without the email channel's upcaster the same row is refused loudly, not misread (${name})`, async () => {
    const { url, rewriteFirst } = backend();
    const databaseUrl = await url();
    const store = await openStore({ databaseUrl, humanIntents: linearIntentsForEveryAgent });
    try {
      const id = 'thr_legacy0000000000000000' as ThreadId;
      await store.create({ id, agent: 'linear-assistant', events: [{ id: 'evt_legacy000000000000000' as never, at: new Date(0).toISOString(), type: 'message_received', data: { channel: 'api', text: 'x' } }] });
      await rewriteFirst(databaseUrl, id, legacy);
      await expect(store.load(id)).rejects.toThrow(/column type holds string email_received/);
    } finally {
      await store.close();
    }
  });
}

describe('#10.4: stored email_received events stay readable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hardway-legacy-'));
  let n = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  describeLegacyEmail('sqlite', () => ({
    url: async () => join(dir, `legacy-${++n}.sqlite`),
    rewriteFirst: async (path, threadId, data) => {
      const db = new DatabaseSync(path);
      try {
        db.exec('PRAGMA busy_timeout = 10000');
        db.prepare("UPDATE events SET type = 'email_received', data = ? WHERE thread_id = ? AND seq = 1").run(JSON.stringify(data), threadId);
      } finally {
        db.close();
      }
    },
  }));

  describe.skipIf(!postgresAvailable())('PostgreSQL', () => {
    let server: TestPostgres | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });
    describeLegacyEmail('postgres', () => ({
      url: async () => {
        if (server === undefined) throw new Error('PostgreSQL did not start');
        return server.createDatabase();
      },
      rewriteFirst: async (url, threadId, data) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query("UPDATE events SET type = 'email_received', data = $1 WHERE thread_id = $2 AND seq = 1", [JSON.stringify(data), threadId]);
        } finally {
          await client.end();
        }
      },
    }));
  });
});
