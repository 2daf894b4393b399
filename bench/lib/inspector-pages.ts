// Figure 10: the inspector's pages as a browser gets them. A thread page of `events` events and the list page over
// `threads` stored threads (copies of one thread, inserted straight into the SQLite tables), served by the real app
// on a real port: time to first byte by fetch, DOMContentLoaded and load in Chromium, and the JavaScript bytes a
// first page load fetches (target: under 100 KB).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { serve } from '@hono/node-server';
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import type { NewEvent } from '../../src/core/events.js';
import { randomIds } from '../../src/core/ids.js';
import { silentLogger } from '../../src/support/logger.js';
import { findChromium, startBrowser } from '../../test/support/browser.js';
import { testWorkspace } from '../../test/support/workspace.js';
import { summarize, type Summary } from './stats.js';

export interface InspectorPagesOptions {
  threads: number;
  events: number;
  runs: number;
}

export interface InspectorPageFigure {
  page: 'thread' | 'list';
  ttfbMs: Summary;
  domContentLoadedMs: Summary;
  loadMs: Summary;
  /** Bytes of every script the first load fetched. */
  jsBytes: number;
  htmlBytes: number;
}

export interface InspectorPagesPoint {
  threads: number;
  events: number;
  pages: InspectorPageFigure[];
}

const TOKEN = 'bench-inspector-token-0123456789';
const BATCH = 10_000;

/** Undefined when there is no Chromium to drive (the figure is then skipped, and says so). */
export async function measureInspectorPages(options: InspectorPagesOptions, log: (line: string) => void): Promise<InspectorPagesPoint | undefined> {
  if (findChromium() === undefined) {
    log('figure 10 skipped: no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hardway-inspector-bench-'));
  const path = join(dir, 'inspector.db');
  // The model is never called: the pages only read the store.
  const config = readConfig({ DATABASE_URL: path, LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'none', API_TOKEN: TOKEN });
  const c = await createContainer(config, { logger: silentLogger, linear: await testWorkspace() });
  const server = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' });
  const browser = await startBrowser();
  try {
    if (!server.listening) await once(server, 'listening');
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const at = new Date().toISOString();
    const event = (i: number): NewEvent =>
      i === 0
        ? { id: randomIds.eventId(), at, type: 'message_received', data: { channel: 'email', from: 'alex@company.com', text: 'Can you make a new issue for Austin to restock the fridges?' } }
        : { id: randomIds.eventId(), at, type: 'human_replied', data: { channel: 'email', from: 'alex@company.com', message: `Reply ${i}: ${'the fridges on floor two are empty again, please check. '.repeat(3)}` } };
    const long = randomIds.threadId();
    await c.store.create({ id: long, agent: 'linear-assistant', events: Array.from({ length: options.events }, (_, i) => event(i)) });
    const template = randomIds.threadId();
    await c.store.create({ id: template, agent: 'linear-assistant', events: [event(0), event(1)] });
    const t0 = performance.now();
    const db = new DatabaseSync(path);
    const series = 'WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)';
    const threads = db.prepare(
      `${series} INSERT INTO threads (id, agent, status, last_seq, created_at, updated_at)
       SELECT 'thr_seed-' || i, agent, status, last_seq, created_at, updated_at FROM threads, n WHERE threads.id = ?`,
    );
    const events = db.prepare(
      `${series} INSERT INTO events (thread_id, seq, id, type, at, data)
       SELECT 'thr_seed-' || i, seq, id || '-' || i, type, at, data FROM events, n WHERE events.thread_id = ?`,
    );
    for (let from = 0; from < options.threads - 2; from += BATCH) {
      const to = Math.min(options.threads - 2, from + BATCH) - 1;
      db.exec('BEGIN IMMEDIATE');
      threads.run(from, to, template);
      events.run(from, to, template);
      db.exec('COMMIT');
    }
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    log(`  seeded ${options.threads} threads in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/ui/login`);
    await page.getByLabel('API token').fill(TOKEN);
    await Promise.all([page.waitForURL(`${base}/ui`), page.getByRole('button', { name: 'Log in' }).click()]);
    const cookie = (await context.cookies()).map((k) => `${k.name}=${k.value}`).join('; ');

    const figure = async (kind: InspectorPageFigure['page'], url: string): Promise<InspectorPageFigure> => {
      const ttfb: number[] = [];
      const dcl: number[] = [];
      const load: number[] = [];
      let jsBytes = 0;
      let htmlBytes = 0;
      for (let r = 0; r < options.runs; r++) {
        const began = performance.now();
        const res = await fetch(url, { headers: { cookie } });
        ttfb.push(performance.now() - began);
        htmlBytes = (await res.arrayBuffer()).byteLength;
        // A fresh page each run, cache off, so every load is a first load.
        const tab = await context.newPage();
        await tab.route('**/*', (route) => route.continue());
        const scripts: Array<Promise<number>> = [];
        tab.on('response', (response) => {
          if (response.request().resourceType() === 'script') scripts.push(response.body().then((b) => b.byteLength));
        });
        await tab.goto(url, { waitUntil: 'load' });
        const timing = JSON.parse(
          String(await tab.evaluate(`JSON.stringify((({ startTime, domContentLoadedEventEnd, loadEventEnd }) => ({ startTime, domContentLoadedEventEnd, loadEventEnd }))(performance.getEntriesByType('navigation')[0]))`)),
        ) as { startTime: number; domContentLoadedEventEnd: number; loadEventEnd: number };
        dcl.push(timing.domContentLoadedEventEnd - timing.startTime);
        load.push(timing.loadEventEnd - timing.startTime);
        jsBytes = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
        await tab.close();
      }
      return { page: kind, ttfbMs: summarize(ttfb), domContentLoadedMs: summarize(dcl), loadMs: summarize(load), jsBytes, htmlBytes };
    };
    const pages = [await figure('thread', `${base}/ui/threads/${long}`), await figure('list', `${base}/ui`)];
    await context.close();
    return { threads: options.threads, events: options.events, pages };
  } finally {
    await browser.close();
    server.close();
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
