// The scenario the eval tests export: a person asks for an issue; the scripted model lists the teams, creates the
// issue, and says it is done — run through the real loop, worker and local workspace, stored where `env` says.
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import type { ThreadEvent } from '../../src/core/events.js';
import type { ThreadId } from '../../src/core/ids.js';
import type { Thread } from '../../src/core/thread.js';
import { silentLogger } from '../../src/support/logger.js';
import type { StubLlm } from '../support/stub-llm.js';
import { stubModelEnv } from '../support/stub-container.js';
import { testWorkspace } from '../support/workspace.js';

export const request = 'Please make an issue for the Operations team to restock the fridges, and give it to Austin.';
export const createIssueStep = { intent: 'create_issue', issue: { title: 'Restock the fridges', team_id: 'OPS', assignee_id: 'austin@company.com' } };

/** The scripted model's three replies, in order. */
export function scriptScenario(llm: StubLlm): void {
  llm.script({ intent: 'list_teams' }, createIssueStep, { intent: 'done_for_now', message: 'Created OPS-42, Restock the fridges, assigned to Austin.' });
}

/** `script` gives the model's replies: the scenario's three by default. */
export async function runScenario(llm: StubLlm, env: Record<string, string> = {}, script: (llm: StubLlm) => void = scriptScenario): Promise<{ id: ThreadId; thread: Thread }> {
  llm.reset();
  script(llm);
  const c = await createContainer(readConfig({ DATABASE_URL: ':memory:', ...stubModelEnv(llm), PREFETCH_TTL_MS: '0', ...env }), { logger: silentLogger, linear: await testWorkspace() });
  try {
    const id = await c.service.launch({ message: request, from: 'alex@company.com', channel: 'cli' });
    await c.worker.drain();
    return { id, thread: await c.service.load(id) };
  } finally {
    await c.close();
  }
}

/** The seq of the model's step with this intent. */
export function stepSeq(events: readonly ThreadEvent[], intent: string): number {
  const step = events.find((e) => e.type === 'step_decided' && e.data.intent === intent && e.data.origin === 'model');
  if (step === undefined) throw new Error(`no ${intent} step in the thread`);
  return step.seq;
}
