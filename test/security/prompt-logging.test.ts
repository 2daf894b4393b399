// #9.3: a real `hardway serve` with BAML's log level left to us prints no prompt and no message body, even for
// rejected steps and provider errors (BAML prints whole prompts for failed calls at warn); LOG_PROMPTS=true does.
// #9.2 is checked here too: a key a provider echoes never reaches the process's output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bamlLogLevel } from '../../src/llm/baml-log.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';

const KEY = 'sk-proj-EchoedBack0123456789abcdef';
let llm: StubLlm;
let dir: string;

beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-prompt-log-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Served {
  server: ServerProcess;
  /** stdout and stderr since the server said it was serving: pino's lines and anything BAML prints. */
  output(): string;
}

async function serve(name: string, env: Record<string, string>): Promise<Served> {
  const server = await startServerProcess({
    // Empty is unset: what a user gets who never heard of BAML_LOG (test/support passes BAML_LOG=error otherwise).
    BAML_LOG: '',
    DATABASE_URL: join(dir, `${name}.sqlite`),
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    LLM_API_KEY: KEY,
    LLM_MAX_RETRIES: '0',
    LINEAR_WORKSPACE_FILE: join(dir, `${name}-workspace.sqlite`),
    LINEAR_SEED_FILE: seedFile,
    WORKER_POLL_MS: '50',
    PREFETCH_TTL_MS: '0',
    ...env,
  });
  let output = '';
  server.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { server, output: () => output };
}

/** Launches a thread and waits (bounded) until the worker has paused or ended it. */
async function runThread(served: Served, message: string): Promise<{ status: string; body: string }> {
  const res = await fetch(`${served.server.url}/v1/threads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) });
  expect(res.status).toBe(202);
  const { thread_id: id } = (await res.json()) as { thread_id: string };
  for (let i = 0; i < 300; i++) {
    const body = await (await fetch(`${served.server.url}/v1/threads/${id}`)).text();
    const { status } = JSON.parse(body) as { status: string };
    if (status !== 'ready' && status !== 'running') return { status, body };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`thread ${id} never paused; output:\n${served.output()}`);
}

describe('#9.3: prompts reach the logs only when asked for', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve('quiet', {});
  });
  afterAll(async () => {
    expect(await served.server.stop()).toBe(0);
  });

  it('#9.3: rejected steps print neither the prompt nor the user message (BAML_LOG unset)', async () => {
    const message = 'the printer on floor 3 is broken, my badge is 77-1234';
    llm.reset();
    llm.script('no JSON here at all', '{"intent": "no_such_intent"}', 'still not a step');
    const { status, body } = await runThread(served, message);
    expect(status).not.toBe('done');
    expect(body).toContain('step_rejected');
    expect(llm.requests.length).toBeGreaterThanOrEqual(1);
    const output = served.output();
    expect(output).toContain('thread run ended');
    expect(output).not.toContain('---PROMPT---');
    expect(output).not.toContain(message);
    expect(output).not.toContain('77-1234');
  });

  it('#9.2: a provider 401 echoing the API key leaves the key out of stdout, stderr and the thread', async () => {
    const message = 'close the printer issue, it is fixed now';
    llm.reset();
    llm.script({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } } });
    const { status, body } = await runThread(served, message);
    expect(status).toBe('failed');
    expect(body).toMatch(/HTTP 401.*\[redacted\]/);
    expect(body).not.toContain(KEY);
    const output = served.output();
    expect(output).not.toContain(KEY);
    expect(output).not.toContain('---PROMPT---');
    expect(output).not.toContain(message);
  });
});

describe('#9.3: asking for prompts', () => {
  it('#9.3: LOG_PROMPTS=true prints them (BAML_LOG=info); an explicit BAML_LOG wins; the default is quiet', async () => {
    expect(bamlLogLevel({})).toBe('error');
    expect(bamlLogLevel({ BAML_LOG: '', LOG_PROMPTS: 'false' })).toBe('error');
    expect(bamlLogLevel({ LOG_PROMPTS: 'true' })).toBe('info');
    expect(bamlLogLevel({ LOG_PROMPTS: '1', BAML_LOG: 'warn' })).toBe('warn');
    expect(bamlLogLevel({ BAML_LOG: 'off' })).toBe('off');

    const served = await serve('loud', { LOG_PROMPTS: 'true' });
    try {
      const message = 'which teams are there, please';
      llm.reset();
      llm.script({ intent: 'done_for_now', message: 'Engineering, Marketing, Operations.' });
      expect((await runThread(served, message)).status).toBe('done');
      expect(served.output()).toContain('---PROMPT---');
      expect(served.output()).toContain(message);
    } finally {
      expect(await served.server.stop()).toBe(0);
    }
  });
});
