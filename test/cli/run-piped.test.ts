// `hardway run` with its answers piped in, as a script would: one line per prompt, and an input that ends while
// the thread still waits leaves it waiting, says how to answer later, and exits 3 (#9.12).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnOwned } from '../support/children.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let llm: StubLlm;
let dir: string;

beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-piped-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI with `stdin` written at once and closed, like `echo … | hardway …`. */
function hardway(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnOwned(process.execPath, ['bin/hardway.js', ...args], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        BAML_LOG: 'error',
        DATABASE_URL: join(dir, 'hardway.sqlite'),
        LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'),
        LINEAR_SEED_FILE: seedFile,
        LLM_PROVIDER: 'openai-compatible',
        LLM_BASE_URL: llm.baseUrl,
        LLM_MODEL: 'stub',
        LLM_MAX_RETRIES: '0',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('hardway run with piped answers', () => {
  it('#9.12a: a piped answer to the question and a piped approval complete the thread', async () => {
    llm.reset();
    llm.script(
      { intent: 'request_more_information', message: 'Which team should own it?' },
      { intent: 'update_issue', issue_ids: ['OPS-37'], changes: { state_id: 'Done' } },
      { intent: 'done_for_now', message: 'Closed OPS-37 for Operations.' },
    );
    const { code, stdout, stderr } = await hardway(['run', 'make an issue about the printer'], 'Operations please\ny\n');
    expect(stderr).toBe('');
    expect(stdout).toContain('Which team should own it?\n> Operations please\n');
    expect(stdout).toMatch(/reply from .*: Operations please/);
    expect(stdout).toContain('[y/N, or a reason to deny] y\n');
    expect(stdout).toContain('✓ approved by');
    expect(stdout).toContain('Closed OPS-37 for Operations.');
    expect(code).toBe(0);
  }, 60_000);

  it('#9.12b: input that ends while the thread waits exits 3, says how to answer later, and the thread still awaits', async () => {
    llm.reset();
    llm.script({ intent: 'request_more_information', message: 'Which team should own it?' });
    const { code, stdout, stderr } = await hardway(['run', 'make an issue about the printer'], '');
    expect(stderr).toBe('');
    const id = /thread (thr_\w+)/.exec(stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(stdout).toContain(`thread ${id} is waiting for you. Answer it later with:\n  hardway respond ${id} <your answer>`);
    expect(code).toBe(3);
    const show = await hardway(['show', id], '');
    expect(show.stdout).toContain(`${id}  linear-assistant  awaiting_human`);

    llm.reset();
    llm.script({ intent: 'update_issue', issue_ids: ['OPS-37'], changes: { state_id: 'Done' } });
    const approval = await hardway(['run', 'close OPS-37'], '');
    const pending = /thread (thr_\w+)/.exec(approval.stdout)?.[1] ?? '';
    expect(approval.stdout).toContain(`hardway approve ${pending}   (or: hardway deny ${pending} <reason>)`);
    expect(approval.code).toBe(3);
    expect((await hardway(['show', pending], '')).stdout).toContain(`${pending}  linear-assistant  awaiting_approval`);
  }, 60_000);

  it('#9.12c: the exit codes are in the help', async () => {
    const help = await hardway(['run', '--help'], '');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 done; 1 failed or an error; 3 the thread is waiting/);
  });
});
