// The service as separate processes: two servers against one PostgreSQL share the work without ever running a
// thread twice at once; a SIGTERM during a step loses nothing and a new process finishes the thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StubRequest } from '../support/stub-llm.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { postgresAvailable, startPostgres, type TestPostgres as Postgres } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { seedFile } from '../support/workspace.js';

const TOKEN = 'process-test-token-0123456789';
let llm: StubLlm;
let dir: string;

beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-proc-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(databaseUrl: string): Record<string, string> {
  return {
    API_TOKEN: TOKEN,
    DATABASE_URL: databaseUrl,
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    LLM_MAX_RETRIES: '0',
    LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'),
    LINEAR_SEED_FILE: seedFile,
    WORKER_POLL_MS: '50',
    WORKER_LEASE_MS: '5000',
    WORKER_GRACE_MS: '300',
    PREFETCH_TTL_MS: '0',
  };
}

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function launch(server: ServerProcess, message: string): Promise<string> {
  const res = await fetch(`${server.url}/v1/threads`, { method: 'POST', headers, body: JSON.stringify({ message }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { thread_id: string }).thread_id;
}

async function thread(server: ServerProcess, id: string): Promise<{ status: string; events: Array<{ type: string; seq: number; data: Record<string, unknown> }> }> {
  const res = await fetch(`${server.url}/v1/threads/${id}`, { headers });
  return (await res.json()) as never;
}

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Each thread: list teams, then finish; answers depend only on the prompt, so any process can ask. */
function twoStepModel(delayMs: number) {
  return (request: StubRequest) => ({
    delayMs,
    then: request.prompt.includes('<list_teams_result>') ? { intent: 'done_for_now', message: 'Listed the teams.' } : { intent: 'list_teams' },
  });
}

describe.skipIf(!postgresAvailable())('two server processes against one PostgreSQL', () => {
  let pg: Postgres;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await pg?.stop();
  });

  it('runs every thread to done, each step by exactly one worker at a time, work shared by both', async () => {
    llm.reset();
    llm.script(...Array.from({ length: 40 }, () => twoStepModel(100)));
    servers.push(await startServerProcess(env(pg.url)), await startServerProcess(env(pg.url)));
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => launch(i % 2 ? a : b, `thread ${i}`)));
    await until(async () => (await Promise.all(ids.map((id) => thread(a, id)))).every((t) => t.status === 'done'), 60_000);

    for (const id of ids) {
      const t = await thread(b, id);
      expect(t.events.map((e) => e.type)).toEqual(['message_received', 'step_decided', 'tool_succeeded', 'step_decided']);
      expect(t.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    }
    // A thread stepped by two workers at once would have cost an extra model call whose append then conflicted.
    expect(llm.requests).toHaveLength(ids.length * 2);
    const ran = (s: ServerProcess) => new Set(s.logs().filter((l) => l.msg === 'thread run ended').map((l) => l.thread_id));
    expect(ran(a).size).toBeGreaterThan(0);
    expect(ran(b).size).toBeGreaterThan(0);
  }, 120_000);

  it('launch on one process, approve through the other: the tool runs once and the thread is done', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    llm.reset();
    llm.script(
      { intent: 'update_issue', issue_ids: ['OPS-37'], changes: { state_id: 'Done' } },
      { intent: 'done_for_now', message: 'Closed OPS-37.' },
    );
    const id = await launch(a, 'close OPS-37');
    await until(async () => (await thread(b, id)).status === 'awaiting_approval');
    const res = await fetch(`${b.url}/v1/threads/${id}/responses`, { method: 'POST', headers, body: JSON.stringify({ type: 'approval', approved: true, by: 'alex@company.com' }) });
    expect(res.status).toBe(202);
    await until(async () => (await thread(a, id)).status === 'done');
    const t = await thread(a, id);
    expect(t.events.map((e) => e.type)).toEqual(['message_received', 'step_decided', 'approval_requested', 'approval_granted', 'tool_succeeded', 'step_decided']);
    expect(JSON.stringify(t.events[4]?.data)).toContain('"type":"completed"');
  }, 120_000);

  it('a process killed mid-step: its lease runs out and the other process finishes the thread, each step once', async () => {
    llm.reset();
    llm.script({ delayMs: 20_000, then: { intent: 'done_for_now', message: 'never delivered' } }, { intent: 'list_teams' }, { intent: 'done_for_now', message: 'Listed the teams.' });
    const url = await pg.createDatabase();
    const settings = { ...env(url), WORKER_LEASE_MS: '2000' };
    // Alone at first, so it is the one that claims the thread and hangs in the model call.
    const doomed = await startServerProcess(settings);
    let survivor: ServerProcess | undefined;
    try {
      const id = await launch(doomed, 'list the teams');
      await until(async () => llm.requests.length === 1);
      survivor = await startServerProcess(settings);
      const live = survivor;
      await doomed.stop('SIGKILL');
      // No heartbeat renews the lease now; once it expires the survivor's claim loop takes the thread.
      await until(async () => (await thread(live, id)).status === 'done');
      const t = await thread(live, id);
      expect(t.events.map((e) => e.type)).toEqual(['message_received', 'step_decided', 'tool_succeeded', 'step_decided']);
      expect(t.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(t.events.at(-1)?.data).toMatchObject({ intent: 'done_for_now', args: { message: 'Listed the teams.' } });
      // The killed process's call was asked again by the survivor: three requests, and nothing of the first stored.
      expect(llm.requests).toHaveLength(3);
      expect(live.logs().some((l) => l.msg === 'thread run ended' && l.thread_id === id)).toBe(true);
    } finally {
      await doomed.stop('SIGKILL');
      await survivor?.stop();
    }
  }, 120_000);
});

describe('SIGTERM during a step', () => {
  it('loses nothing: the thread resumes and finishes in a new process', async () => {
    llm.reset();
    llm.script({ delayMs: 20_000, then: { intent: 'done_for_now', message: 'too late' } }, { intent: 'list_teams' }, { intent: 'done_for_now', message: 'Listed the teams.' });
    const db = join(dir, 'sigterm.sqlite');
    const first = await startServerProcess(env(db));
    const id = await launch(first, 'list the teams');
    await until(async () => llm.requests.length === 1);
    const code = await first.stop('SIGTERM');
    expect(code).toBe(0);
    expect(first.logs().some((l) => l.msg === 'stopped')).toBe(true);

    const second = await startServerProcess(env(db));
    try {
      await until(async () => (await thread(second, id)).status === 'done');
      const t = await thread(second, id);
      expect(t.events.map((e) => e.type)).toEqual(['message_received', 'step_decided', 'tool_succeeded', 'step_decided']);
      expect(t.events.at(-1)?.data).toMatchObject({ intent: 'done_for_now', args: { message: 'Listed the teams.' } });
      expect(llm.requests).toHaveLength(3);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
