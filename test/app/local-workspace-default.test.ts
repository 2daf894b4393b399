// With no Linear key and no Linear account, the assistant runs against the local workspace on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { silentLogger } from '../../src/support/logger.js';
import { createLocalWorkspace } from '../../src/linear/local-workspace/local-workspace.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';

let llm: StubLlm;
let dir: string;
beforeAll(async () => {
  llm = await startStubLlm();
  dir = mkdtempSync(join(tmpdir(), 'hardway-local-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

it('creates the issue in the seeded local workspace, which persists across restarts', async () => {
  const workspaceFile = join(dir, 'data', 'workspace.sqlite');
  const config = readConfig({
    DATABASE_URL: join(dir, 'data', 'hardway.sqlite'),
    LINEAR_WORKSPACE_FILE: workspaceFile,
    LINEAR_SEED_FILE: seedFile,
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
  });
  expect(config.linear.apiKey).toBeUndefined();
  const c = await createContainer(config, { logger: silentLogger });
  llm.script({ intent: 'create_issue', issue: { title: 'Restock the fridges', team_id: 'OPS', assignee_id: 'austin@company.com' } }, { intent: 'done_for_now', message: 'Created.' });
  const id = await c.service.launch({ message: 'make an issue for Austin to restock the fridges' });
  await c.worker.drain();
  const events = (await c.service.load(id)).events;
  const created = events.find((e) => e.type === 'tool_succeeded' && e.data.intent === 'create_issue');
  expect(JSON.stringify(created?.data)).toMatch(/"identifier":"OPS-42"/);
  await c.close();

  const reopened = createLocalWorkspace({ file: workspaceFile, seedFile });
  const issue = await reopened.getIssue('OPS-42');
  expect(issue.title).toBe('Restock the fridges');
  expect(issue.assignee?.email).toBe('austin@company.com');
  reopened.close();
});
