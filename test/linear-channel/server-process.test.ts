// End to end through the real server: `hardway serve` in its own process with the Linear channel on, the scripted
// stub model, and the Linear double as Linear (the session's activities and the assistant's tools alike). A signed
// `created` session gets its thought while the model is still held, then an action for the tool step, then a response.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';

const SECRET = 'lin_wh_process_0123456789';

let llm: StubLlm;
let linear: LinearDouble;
let server: ServerProcess | undefined;
let dir: string;

beforeAll(async () => {
  llm = await startStubLlm();
  linear = await startLinearDouble({ workspace: await testWorkspace() });
  dir = mkdtempSync(join(tmpdir(), 'hardway-linear-'));
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await linear.close();
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Linear agent session through hardway serve', () => {
  it('posts a thought before the model has answered, then an action, then a response', async () => {
    server = await startServerProcess({
      DATABASE_URL: join(dir, 'linear.sqlite'),
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'stub',
      LLM_MAX_RETRIES: '0',
      PREFETCH_TTL_MS: '0',
      WORKER_POLL_MS: '50',
      LINEAR_API_KEY: linear.apiKey,
      LINEAR_API_URL: linear.url,
      LINEAR_WEBHOOK_SECRET: SECRET,
    });
    const sessionId = randomUUID();
    llm.script(
      async () => {
        await linear.activities.when((a) => a.agentSessionId === sessionId && a.content.type === 'thought');
        return { intent: 'list_teams' };
      },
      { intent: 'done_for_now', message: 'Engineering and Operations.' },
    );
    const body = JSON.stringify({
      type: 'AgentSessionEvent',
      action: 'created',
      webhookTimestamp: Date.now(),
      organizationId: 'org-1',
      agentSession: {
        id: sessionId,
        creator: { id: 'user-alex', name: 'Alex', email: 'alex@example.com' },
        issue: { id: 'issue-7', identifier: 'OPS-7', title: 'Who owns the fridge?', description: 'It is empty again.' },
        comment: { id: 'comment-7', body: '@assistant which teams are there?' },
      },
    });
    const res = await fetch(`${server.url}/webhooks/linear`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'linear-signature': createHmac('sha256', SECRET).update(body).digest('hex'), 'linear-delivery': randomUUID() },
      body,
    });
    expect(res.status).toBe(200);
    const response = await linear.activities.when((a) => a.agentSessionId === sessionId && a.content.type === 'response');
    expect(response.content).toEqual({ type: 'response', body: 'Engineering and Operations.' });
    expect(linear.activities.bySession(sessionId).map((a) => a.content.type)).toEqual(['thought', 'action', 'response']);
    expect(linear.activities.bySession(sessionId)[1]?.content).toMatchObject({ action: 'list_teams' });
    expect(llm.requests[0]?.prompt).toContain('OPS-7');
    expect(linear.invalidRequests()).toEqual([]);
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 60_000);
});
