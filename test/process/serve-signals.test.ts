// `hardway serve` as a real process under the signals an operator sends: a SIGTERM stops it even when stdout is a
// closed pipe, and a second SIGTERM during the graceful stop exits at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';

const TOKEN = 'signals-test-token-0123456789';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
/** Far longer than a clean stop takes, and far shorter than the grace period the second test sets. */
const boundMs = 20_000;

let llm: StubLlm;
let dir: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-signals-'));
});
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = undefined;
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    API_TOKEN: TOKEN,
    DATABASE_URL: join(dir, `${name}.sqlite`),
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    LLM_MAX_RETRIES: '0',
    LINEAR_WORKSPACE_FILE: join(dir, `${name}-workspace.sqlite`),
    LINEAR_SEED_FILE: seedFile,
    WORKER_POLL_MS: '50',
    ...extra,
  };
}

/** The exit code, or 'still running' if the process has not ended within the bound. */
function exitWithin(s: ServerProcess, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([s.exited, sleep(ms).then(() => 'still running' as const)]);
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function launch(s: ServerProcess, message: string): Promise<string> {
  const res = await fetch(`${s.url}/v1/threads`, { method: 'POST', headers, body: JSON.stringify({ message }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { thread_id: string }).thread_id;
}

describe('hardway serve and signals', () => {
  it('#9.11a: with stdout a closed pipe, the server keeps serving and a SIGTERM still stops it, with 0', async () => {
    server = await startServerProcess(env('closed-stdout'));
    const s = server;
    // The reader goes away, as when `hardway serve | head` or a log shipper exits.
    s.child.stdout?.destroy();
    // Still serving with nowhere to log. (Nothing here logs before the stop: the first write to hit the closed pipe
    // is the stop's own, which is where pino's stream used to spin.)
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    process.kill(s.child.pid ?? 0, 'SIGTERM');
    expect(await exitWithin(s, boundMs)).toBe(0);
  }, 60_000);

  it('#9.11b: a second SIGTERM while a step holds the grace period exits at once, with 143', async () => {
    // The step would hold the stop for the whole grace period (a minute) before being released.
    server = await startServerProcess(env('second-signal', { WORKER_GRACE_MS: '60000', LLM_TIMEOUT_MS: '120000' }));
    const s = server;
    llm.reset();
    llm.script({ delayMs: 120_000, then: { intent: 'done_for_now', message: 'late' } });
    await launch(s, 'take your time');
    await until(() => llm.requests.length === 1, 'the model call to be in flight');
    process.kill(s.child.pid ?? 0, 'SIGTERM');
    await until(() => s.logs().some((l) => typeof l.msg === 'string' && l.msg.startsWith('stopping')), 'the graceful stop to begin');
    expect(await exitWithin(s, 1_000)).toBe('still running');
    process.kill(s.child.pid ?? 0, 'SIGTERM');
    expect(await exitWithin(s, boundMs)).toBe(143);
    expect(s.logs().some((l) => typeof l.msg === 'string' && l.msg.startsWith('second signal'))).toBe(true);
  }, 60_000);
});
