// A Triage Assistant thread — started by the Linear channel's issue-created opening, run by the scripted model
// through the real loop and the local workspace — exported with `hardway export` and replayed with `hardway eval`,
// as real processes: offline through the Triage Assistant's own parser, and live through its own BAML function.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRIAGE_ASSISTANT } from '../../src/agents/triage-assistant/agent.js';
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { issueCreatedOpening, issueWebhookSchema } from '../../src/channels/linear/inbound/issue-created.js';
import type { ThreadId } from '../../src/core/ids.js';
import { parseEvalCase } from '../../src/evals/eval-case.js';
import { silentLogger } from '../../src/support/logger.js';
import { stubModelEnv } from '../support/stub-container.js';
import { startStubLlm, type StubLlm, type StubRequest } from '../support/stub-llm.js';
import { seedFile, testWorkspace } from '../support/workspace.js';
import { runHardway } from '../support/hardway-cli.js';

let llm: StubLlm;
let dir: string;
beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-triage-evals-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

const database = (): string => join(dir, 'hardway.sqlite');
const hardway = (args: string[]) =>
  runHardway(args, { DATABASE_URL: database(), LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'), LINEAR_SEED_FILE: seedFile, LLM_MAX_RETRIES: '0', ...stubModelEnv(llm) });

const webhook = issueWebhookSchema.parse({
  type: 'Issue',
  action: 'create',
  webhookTimestamp: Date.parse('2026-12-02T04:00:00.000Z'),
  data: { id: 'issue-fridge', identifier: 'OPS-50', title: 'The fridge is empty', description: 'Nobody restocked it since Monday.', updatedAt: '2026-12-02T04:00:00.000Z', team: { id: 'team-ops', key: 'OPS' } },
});

/** The issue arrives, the model searches for duplicates, finds none worth naming, and stops. */
async function runTriageThread(): Promise<ThreadId> {
  llm.reset();
  llm.script({ intent: 'search_issues', query: 'fridge empty' }, { intent: 'done_for_now', message: 'No duplicate of OPS-50 found; nothing to change.' });
  const c = await createContainer(readConfig({ DATABASE_URL: database(), ...stubModelEnv(llm), PREFETCH_TTL_MS: '0' }), { logger: silentLogger, linear: await testWorkspace() });
  try {
    const outcome = await c.service.receive({ kind: 'start', agent: TRIAGE_ASSISTANT, from: { channel: 'linear', id: 'user-alex' }, opening: issueCreatedOpening(webhook) });
    await c.worker.drain();
    return outcome.threadId;
  } finally {
    await c.close();
  }
}

const isTriagePrompt = (request: StubRequest): boolean => request.prompt.includes('You are the Triage Assistant');

describe('hardway export and hardway eval on a Triage Assistant thread', () => {
  it('exports its last model step as a triage-assistant case, which passes offline and live, and fails by name when a model writes instead', async () => {
    const id = await runTriageThread();
    expect(llm.scriptErrors).toEqual([]);
    const exported = await hardway(['export', id, '--forbid-intent', 'apply_triage', '--expect-intent', 'done_for_now', '--name', 'no-duplicate-stops']);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const read = parseEvalCase(exported.stdout);
    if (!read.ok) throw new Error(read.problem);
    expect(read.case).toMatchObject({ agent: TRIAGE_ASSISTANT, step: { intent: 'done_for_now' }, assert: { intent: 'done_for_now', forbidIntents: ['apply_triage'] } });
    expect(read.case.events.map((e) => e.type)).toContain('tool_succeeded');
    const cases = join(dir, 'cases');
    mkdirSync(cases, { recursive: true });
    writeFileSync(join(cases, 'no-duplicate-stops.json'), exported.stdout);

    const offline = await hardway(['eval', '--offline', '--no-prompt-tests', '--cases', cases, '--results', join(dir, 'offline')]);
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/^no-duplicate-stops +case +pass$/m);

    // Live: the stub answers the case's context as the thread's model did, and is sent the Triage Assistant's prompt
    // with the issue and the search result rendered from the case's events.
    llm.reset();
    llm.script({ intent: 'done_for_now', message: 'Nothing to change.' }, { intent: 'apply_triage', issue_id: 'OPS-50', priority: 2, reasons: 'An empty fridge matters.' });
    const args = ['eval', '--no-prompt-tests', '--provider', 'openai-compatible', '--model', 'stub', '--base-url', llm.baseUrl, '--cases', cases, '--results', join(dir, 'live')];
    const passes = await hardway(args);
    expect(passes.stderr).toBe('');
    expect(passes.code).toBe(0);
    expect(passes.stdout).toMatch(/^no-duplicate-stops +case +pass /m);
    const [sent] = llm.requests;
    if (sent === undefined) throw new Error('the model was not asked');
    expect(isTriagePrompt(sent)).toBe(true);
    expect(sent.prompt).toContain('New issue OPS-50: The fridge is empty');
    expect(sent.prompt).toContain('<search_issues');

    const fails = await hardway(args);
    expect(fails.code).toBe(1);
    expect(fails.stdout).toMatch(/^no-duplicate-stops +case +FAIL intent, forbid apply_triage /m);
    expect(fails.stdout).toContain('no-duplicate-stops × stub (openai-compatible): intent: expected done_for_now, got apply_triage');
    expect(llm.scriptErrors).toEqual([]);
  }, 120_000);
});
