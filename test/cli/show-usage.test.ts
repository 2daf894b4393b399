// `hardway show` prints each model step's cache reads and writes and cost, and the thread's totals.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import type { ThreadEvent } from '../../src/core/events.js';
import type { CallId, EventId } from '../../src/core/ids.js';
import { stepUsages, usageTotals } from '../../src/core/usage-totals.js';
import { describeEvent, describeTotals } from '../../src/cli/format.js';
import { createContainer } from '../../src/app/container.js';
import { silentLogger } from '../../src/support/logger.js';
import { runHardway, type CliRun } from '../support/hardway-cli.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';

let llm: StubLlm;
let dir: string;

beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-show-usage-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  DATABASE_URL: join(dir, 'hardway.sqlite'),
  LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'),
  LINEAR_SEED_FILE: seedFile,
  LLM_PROVIDER: 'anthropic',
  LLM_API_KEY: 'sk-ant-test',
  LLM_BASE_URL: llm.baseUrl,
  LLM_MAX_RETRIES: '0',
  PREFETCH_TTL_MS: '0',
});

const show = (id: string): Promise<CliRun> => runHardway(['show', id], env());

describe('hardway show', () => {
  it('shows cached and written tokens and the cost of each step, and the totals', async () => {
    llm.script(
      { content: { intent: 'list_teams' }, usage: { prompt_tokens: 2_000, cache_write_tokens: 1_500, completion_tokens: 10 } },
      { content: { intent: 'done_for_now', message: 'There are teams.' }, usage: { prompt_tokens: 2_400, cached_tokens: 1_500, completion_tokens: 12 } },
    );
    const c = await createContainer(readConfig(env()), { logger: silentLogger });
    let id: string;
    try {
      id = (await c.service.receive({ kind: 'start', from: { channel: 'cli' }, opening: { kind: 'message', text: 'what teams are there?' } })).threadId;
      await c.worker.drain();
    } finally {
      await c.close();
    }
    const { code, stdout, stderr } = await show(id);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/→ list_teams \[2000→10 tokens, \d+ ms\] \[0 cached, 1500 written, \$0\.007275\]/);
    expect(stdout).toMatch(/→ done_for_now .* \[2400→12 tokens, \d+ ms\] \[1500 cached, 0 written, \$0\.003330\]/);
    expect(stdout).toContain('tokens: 4400 in, 22 out, 1500 cached, 1500 written to cache; 2 model calls, cost $0.010605');
  }, 60_000);

  it('shows a step recorded before cache counts and costs as it did, and its total cost as unknown', () => {
    const old: ThreadEvent = {
      id: 'evt_old' as EventId,
      seq: 2,
      type: 'step_decided',
      at: '2026-11-01T00:00:00.000Z',
      data: {
        callId: 'call_old' as CallId,
        intent: 'list_teams',
        args: {},
        idempotencyKey: 'k',
        origin: 'model',
        usage: { model: 'gpt-4o-mini', inputTokens: 1234, outputTokens: 7, latencyMs: 812, raw: '{}' },
      },
    };
    expect(describeEvent(old)).toBe('→ list_teams [1234→7 tokens, 812 ms]');
    expect(describeTotals(usageTotals(stepUsages([old])))).toBe('tokens: 1234 in, 7 out, 0 cached, 0 written to cache; 1 model call, cost unknown');
  });
});
