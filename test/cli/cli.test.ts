// The `hardway` command as a person uses it: a run answered at the terminal, then inspecting and answering threads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { silentLogger } from '../../src/support/logger.js';
import type { ThreadId } from '../../src/core/ids.js';
import { spawnOwned } from '../support/children.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let llm: StubLlm;
let dir: string;

beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-cli-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

function cliEnv(database = 'hardway.sqlite'): Record<string, string> {
  return {
    DATABASE_URL: join(dir, database),
    LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'),
    LINEAR_SEED_FILE: seedFile,
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    LLM_MAX_RETRIES: '0',
  };
}

function hardway(args: string[], input: string[] = [], database?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnOwned(process.execPath, ['bin/hardway.js', ...args], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        BAML_LOG: 'error',
        ...cliEnv(database),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const pending = [...input];
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Answer each prompt as it appears, the way a person at the terminal would.
      if (/(\n> |\[y\/N, or a reason to deny\] )$/.test(stdout) && pending.length > 0) child.stdin.write(`${pending.shift() ?? ''}\n`);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hardway CLI', () => {
  let threadId = '';

  it('run: follows the thread, asks the question in the terminal, and prints the final answer', async () => {
    llm.reset();
    llm.script(
      { intent: 'request_more_information', message: 'Which team should own it?' },
      { intent: 'create_issue', issue: { title: 'Restock the fridges', team_id: 'OPS' } },
      { intent: 'done_for_now', message: 'Created OPS-42: Restock the fridges.' },
    );
    const { code, stdout, stderr } = await hardway(['run', 'make', 'an', 'issue', 'to', 'restock', 'the', 'fridges'], ['Operations']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^thread thr_\w+/);
    expect(stdout).toContain('Which team should own it?');
    expect(stdout).toContain('→ create_issue');
    expect(stdout).toMatch(/✓ create_issue: .*OPS-42/);
    expect(stdout).toContain('Created OPS-42: Restock the fridges.');
    threadId = /thread (thr_\w+)/.exec(stdout)?.[1] ?? '';
  }, 60_000);

  it('threads and show: list it, and show each event with tokens and latency per model step', async () => {
    const list = await hardway(['threads', '--status', 'done']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(threadId);
    const show = await hardway(['show', threadId]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`${threadId}  linear-assistant  done`);
    expect(show.stdout).toMatch(/→ request_more_information .*\[\d+→\d+ tokens, \d+ ms\]/);
    expect(show.stdout).toMatch(/reply from .*: Operations/);
    expect(show.stdout).toMatch(/tokens: \d+ in, \d+ out/);
  }, 60_000);

  it('run: asks for approval at the terminal; a denial’s reason reaches the model', async () => {
    llm.reset();
    llm.script(
      { intent: 'update_issue', issue_ids: ['OPS-37'], changes: { state_id: 'Done' } },
      { intent: 'done_for_now', message: 'Left OPS-37 open as you asked.' },
    );
    const { code, stdout } = await hardway(['run', 'close OPS-37'], ['not yet, the vendor has not confirmed']);
    expect(code).toBe(0);
    expect(stdout).toContain('Approve? Update OPS-37: status → Done');
    expect(stdout).toContain('✗ denied by');
    expect(llm.requests[1]?.prompt).toContain('reason: not yet, the vendor has not confirmed');
  }, 60_000);

  it('respond, approve and deny answer a waiting thread from the shell; a wrong id is a clear error', async () => {
    const bad = await hardway(['respond', 'nope', 'hi']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"nope" is not a thread id');
    const notWaiting = await hardway(['approve', threadId]);
    expect(notWaiting.code).toBe(1);
    expect(notWaiting.stderr).toMatch(/not awaiting an approval/);
    const reply = await hardway(['respond', threadId, 'also', 'add', 'a', 'label']);
    expect(reply.code).toBe(0);
    expect(reply.stdout).toContain('answer recorded');
    const show = await hardway(['show', threadId]);
    expect(show.stdout).toMatch(/reply: also add a label/);
    expect(show.stdout).toContain(`${threadId}  linear-assistant  ready`);
  }, 60_000);

  it('#9.5: retry resumes a thread a 401 failed, and refuses one that has not failed', async () => {
    llm.reset();
    llm.script({ status: 401 });
    // A database of its own, so the worker below finds no other test's threads ready.
    const db = 'retry.sqlite';
    const run = await hardway(['run', 'make an issue to restock the fridges'], [], db);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HTTP 401/);
    const id = /thread (thr_\w+)/.exec(run.stdout)?.[1] ?? '';
    expect(llm.requests).toHaveLength(1);

    const retry = await hardway(['retry', id], [], db);
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain('answer recorded');

    // What a running server's worker does on its next poll: here, one worker on the same database.
    llm.script({ intent: 'done_for_now', message: 'Restocking is already tracked in OPS-41.' });
    const c = await createContainer(readConfig(cliEnv(db)), { logger: silentLogger });
    try {
      expect((await c.store.list({ id: id as ThreadId })).threads[0]?.status).toBe('ready');
      await c.worker.drain();
    } finally {
      await c.close();
    }
    const show = await hardway(['show', id], [], db);
    expect(show.stdout).toContain(`${id}  linear-assistant  done`);
    expect(show.stdout).toContain('↻ retry requested by cli (cli)');
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1]?.prompt).toContain('<retry_requested>');

    const again = await hardway(['retry', id], [], db);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`thread ${id} is done; only a failed thread or one escalated to a human can be retried`);
  }, 120_000);
});
