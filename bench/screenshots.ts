// `npm run screenshots`: the inspector's list and a thread page of a seeded scenario, rendered by the same Chromium
// the browser tests use, to docs/screenshots/*.png (shown in the README). Offline: scripted model, local workspace.
import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { once } from 'node:events';
import { readConfig } from '../src/app/config.js';
import { createContainer } from '../src/app/container.js';
import type { NewEvent } from '../src/core/events.js';
import { randomIds, type ThreadId } from '../src/core/ids.js';
import { silentLogger } from '../src/support/logger.js';
import { startBrowser } from '../test/support/browser.js';
import { stubModelEnv } from '../test/support/stub-container.js';
import { startStubLlm } from '../test/support/stub-llm.js';
import { testWorkspace } from '../test/support/workspace.js';
import { SEED_REQUEST, seedRecoveryReplies } from '../test/support/seed-recovery.js';

const TOKEN = 'screenshots-token-0123456789';
const out = new URL('../docs/screenshots/', import.meta.url);
mkdirSync(out, { recursive: true });

const llm = await startStubLlm();
const c = await createContainer(readConfig({ DATABASE_URL: ':memory:', ...stubModelEnv(llm), PREFETCH_TTL_MS: '0', API_TOKEN: TOKEN }), {
  logger: silentLogger,
  linear: await testWorkspace(),
});
const server = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' });
if (!server.listening) await once(server, 'listening');
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
const browser = await startBrowser();
try {
  const message = (channel: string, from: string, text: string): NewEvent => ({ id: randomIds.eventId(), at: new Date().toISOString(), type: 'message_received', data: { channel, from, text } });
  const launch = async (events: NewEvent[]): Promise<ThreadId> => {
    const id = randomIds.threadId();
    await c.store.create({ id, agent: 'linear-assistant', events });
    await c.worker.drain();
    return id;
  };
  llm.script(...seedRecoveryReplies());
  await launch([message('email', 'alex@company.com', SEED_REQUEST)]);
  llm.script({ intent: 'request_more_information', message: 'Which team should own the printer?' });
  await launch([message('slack', 'U024BE7LH', 'the printer on floor 2 is jammed again')]);
  const team = (await c.linear.listTeams())[0];
  const issue = (await c.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
  const done = team ? (await c.linear.listWorkflowStates({ teamId: team.id })).find((s) => s.type === 'completed') : undefined;
  llm.script({ intent: 'update_issue', issue_ids: [issue?.identifier ?? 'ENG-1'], changes: { state_id: done?.id ?? 'Done' } });
  const pending = await launch([message('sms', '+15555550123', `please close ${issue?.identifier ?? 'ENG-1'}, it is fixed`)]);

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${base}/ui/login`);
  await page.getByLabel('API token').fill(TOKEN);
  await Promise.all([page.waitForURL(`${base}/ui`), page.getByRole('button', { name: 'Log in' }).click()]);
  await page.screenshot({ path: new URL('threads.png', out).pathname });
  await page.goto(`${base}/ui/threads/${pending}`);
  await page.screenshot({ path: new URL('thread-approval.png', out).pathname });
  console.log('wrote docs/screenshots/threads.png and thread-approval.png');
} finally {
  await browser.close();
  server.close();
  await c.close();
  await llm.close();
}
