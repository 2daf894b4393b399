// The inspector in a real browser (Debian's Chromium via playwright-core) against the app on a real port, the
// scripted stub model and the local workspace: log in and decide by keyboard, filter, read step 3's exact prompt,
// approve and watch the page update live, deny with a reason, answer, retry; a foreign page's POST is refused.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import type { NewEvent } from '../../src/core/events.js';
import { randomIds, type ThreadId } from '../../src/core/ids.js';
import { browserAvailable, startBrowser } from '../support/browser.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { serveInspector, type Served } from './inspector-http.js';
import { SEED_REQUEST, seedRecoveryReplies } from '../support/seed-recovery.js';

const TOKEN = 'ui-test-token-0123456789abcdef';
const available = browserAvailable();
let llm: StubLlm;
let browser: Browser | undefined;
let c: Container | undefined;
let web: Served | undefined;
let page: Page | undefined;

beforeAll(async () => {
  llm = await startStubLlm();
  if (available) browser = await startBrowser();
});
afterAll(async () => {
  await browser?.close();
  await llm.close();
});
afterEach(async () => {
  await page?.context().close();
  await web?.close();
  await c?.close();
  page = undefined;
  web = undefined;
  c = undefined;
});

const message = (from: string, text: string): NewEvent => ({ id: randomIds.eventId(), at: new Date().toISOString(), type: 'message_received', data: { channel: 'email', from, text } });

async function launch(events: NewEvent[]): Promise<ThreadId> {
  const id = randomIds.threadId();
  await c!.store.create({ id, agent: 'linear-assistant', events });
  return id;
}

const base = (): string => `http://127.0.0.1:${web!.port}`;
const eventsOf = async (id: ThreadId) => (await c!.store.load(id))!.events;

/** Presses Tab until the focused element matches, at most `limit` times: proof it is reachable by keyboard. */
async function tabTo(p: Page, matches: string, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    // A string, evaluated in the page: this project's TypeScript has no DOM types.
    if ((await p.evaluate(`document.activeElement?.matches(${JSON.stringify(matches)}) ?? false`)) === true) return;
    await p.keyboard.press('Tab');
  }
  throw new Error(`${matches} is not reachable with Tab`);
}

/** Opens the browser and logs in with the keyboard only. */
async function start(): Promise<Page> {
  c = await startStubContainer(llm, { API_TOKEN: TOKEN });
  web = await serveInspector(c);
  page = await (await browser!.newContext()).newPage();
  // A step that cannot happen fails with Playwright's own account of what it waited for, well inside the test's time.
  page.setDefaultTimeout(10_000);
  await page.goto(`${base()}/ui`);
  expect(new URL(page.url()).pathname).toBe('/ui/login');
  expect(await page.getByLabel('API token').count()).toBe(1);
  await tabTo(page, '#token');
  await page.keyboard.type(TOKEN);
  await Promise.all([page.waitForURL(`${base()}/ui`), page.keyboard.press('Enter')]);
  expect(await page.locator('h1').textContent()).toBe('Threads');
  return page;
}

async function pendingClose(): Promise<ThreadId> {
  const team = (await c!.linear.listTeams())[0];
  const issue = (await c!.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
  if (!team || !issue) throw new Error('seed workspace has no team or issue');
  const done = (await c!.linear.listWorkflowStates({ teamId: team.id })).find((s) => s.type === 'completed');
  llm.script(
    { intent: 'update_issue', issue_ids: [issue.identifier], changes: { state_id: done?.id ?? 'Done' } },
    { intent: 'done_for_now', message: `Closed ${issue.identifier}.` },
  );
  const id = await launch([message('alex@company.com', `close ${issue.identifier}`)]);
  await c!.worker.drain();
  return id;
}

describe.skipIf(!available)('the inspector in Chromium', () => {
  it('logs in by keyboard, filters, opens a thread and shows step 3’s prompt byte for byte as the model received it', async () => {
    const p = await start();
    llm.script(...seedRecoveryReplies());
    const id = await launch([message('alex@company.com', SEED_REQUEST)]);
    // Failed already, so the worker leaves it and the scripted steps all go to the thread under test.
    await launch([message('sam@company.com', 'the printer is jammed'), { id: randomIds.eventId(), at: new Date().toISOString(), type: 'thread_failed', data: { reason: 'no model' } }]);
    await c!.worker.drain();
    const received = llm.requests[2]!.rawBody;
    const third = (await eventsOf(id)).filter((e) => e.type === 'step_decided' && e.data.origin === 'model')[2]!;

    await p.getByLabel('Search').fill('fridges');
    await p.getByLabel('Status').selectOption('done');
    await Promise.all([p.waitForURL(/\/ui\?/), p.getByRole('button', { name: 'Filter' }).click()]);
    expect(await p.locator('tr[data-thread]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-thread')))).toEqual([id]);

    await Promise.all([p.waitForURL(`${base()}/ui/threads/${id}`), p.getByRole('link', { name: id }).click()]);
    await Promise.all([p.waitForURL(/\?prompt=/), p.locator(`#seq-${third.seq}`).getByRole('link', { name: 'Show the exact prompt here' }).click()]);
    expect(await p.locator(`#prompt-${third.seq}`).textContent()).toBe(received);
  });

  it('approves the pending change by keyboard, then the page updates itself as the thread continues', async () => {
    const p = await start();
    const id = await pendingClose();
    await p.goto(`${base()}/ui/threads/${id}`);
    const summary = (await eventsOf(id)).find((e) => e.type === 'approval_requested');
    if (summary?.type !== 'approval_requested') throw new Error('no approval requested');
    expect(await p.locator('pre.operation').textContent()).toBe(summary.data.summary);
    expect(await p.getByLabel(/Reason or comment/).count()).toBe(1);

    await tabTo(p, 'button[value="approve"]');
    await Promise.all([p.waitForURL(/notice=approved/), p.keyboard.press('Enter')]);
    expect(await p.locator('[data-notice]').textContent()).toContain('Approved');
    await p.waitForSelector('body[data-live-ready="yes"]');
    expect(await p.locator('li[data-type="tool_succeeded"]').count()).toBe(0);

    // The worker runs the approved call while the page stays open: the page learns of it by its event stream.
    await c!.worker.drain();
    await p.waitForSelector('li[data-type="tool_succeeded"]');
    await p.locator('li[data-type="step_decided"] strong', { hasText: /^done_for_now$/ }).waitFor();
    expect(Number(await p.locator('body').getAttribute('data-refreshes'))).toBeGreaterThan(0);
  });

  it('a change while someone types a reason keeps their words and asks them to reload instead', async () => {
    const p = await start();
    const id = await pendingClose();
    await p.goto(`${base()}/ui/threads/${id}`);
    await p.waitForSelector('body[data-live-ready="yes"]');
    await p.getByLabel(/Reason or comment/).fill('half a thought');
    await c!.service.receive({ kind: 'input', threadId: id, from: { channel: 'api' }, input: { kind: 'message', text: 'also check the freezer' } });
    await p.locator('#live-status', { hasText: 'reload the page' }).waitFor();
    expect(await p.getByLabel(/Reason or comment/).inputValue()).toBe('half a thought');
    expect(await p.locator('body').getAttribute('data-refreshes')).toBeNull();
  });

  it('denies with a reason, answers a question and retries a failed thread from the page', async () => {
    const p = await start();
    const pending = await pendingClose();
    await p.goto(`${base()}/ui/threads/${pending}`);
    await p.getByLabel(/Reason or comment/).fill('not this one');
    await Promise.all([p.waitForURL(/notice=denied/), p.getByRole('button', { name: 'Deny' }).click()]);
    expect((await eventsOf(pending)).find((e) => e.type === 'approval_denied')?.data).toMatchObject({ channel: 'ui', reason: 'not this one' });

    // The denied thread takes its scripted last step first, so the question below goes to the new thread.
    await c!.worker.drain();
    llm.script({ intent: 'request_more_information', message: 'Which team should own it?' });
    const asking = await launch([message('alex@company.com', 'please file a fridge issue')]);
    await c!.worker.drain();
    await p.goto(`${base()}/ui/threads/${asking}`);
    await p.getByLabel('Your answer').fill('Operations');
    await Promise.all([p.waitForURL(/notice=answered/), p.getByRole('button', { name: 'Send answer' }).click()]);
    expect((await eventsOf(asking)).at(-1)).toMatchObject({ type: 'human_replied', data: { channel: 'ui', message: 'Operations' } });

    const failed: NewEvent = { id: randomIds.eventId(), at: new Date().toISOString(), type: 'thread_failed', data: { reason: 'the model was unreachable' } };
    const broken = await launch([message('alex@company.com', 'restock the fridges'), failed]);
    await p.goto(`${base()}/ui/threads/${broken}`);
    await Promise.all([p.waitForURL(/notice=retried/), p.getByRole('button', { name: 'Retry the thread' }).click()]);
    expect((await eventsOf(broken)).at(-1)).toMatchObject({ type: 'retry_requested', data: { channel: 'ui' } });
  });

  it('a form on a foreign page that posts a decision is refused and records nothing', async () => {
    const p = await start();
    const id = await pendingClose();
    const before = await eventsOf(id);
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form id="f" method="post" action="${base()}/ui/threads/${id}/decision"><input name="decision" value="approve"></form><script>document.getElementById('f').submit()</script>`);
    });
    evil.listen(0, '127.0.0.1');
    await once(evil, 'listening');
    try {
      const address = evil.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const [response] = await Promise.all([p.waitForResponse((r) => r.url().endsWith(`/ui/threads/${id}/decision`)), p.goto(`http://127.0.0.1:${port}/`)]);
      expect(response.status()).toBe(403);
      expect(await eventsOf(id)).toEqual(before);
    } finally {
      evil.closeAllConnections();
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });
});
