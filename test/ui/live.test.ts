// Live updates: the event stream tells an open page its thread changed, from the store's own writes; streams are
// bounded, filtered by thread, and end when the process closes.
import { request, type IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import type { NewEvent } from '../../src/core/events.js';
import { randomIds, type ThreadId } from '../../src/core/ids.js';
import { uiRoutes } from '../../src/server/ui/routes.js';
import { threadChanges } from '../../src/server/ui/thread-changes.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { serveInspector, sessionCookie, type Served } from './inspector-http.js';

const TOKEN = 'ui-test-token-0123456789abcdef';
let llm: StubLlm;
let c: Container | undefined;
let web: Served | undefined;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  await web?.close();
  await c?.close();
  web = undefined;
  c = undefined;
});

const message = (text: string): NewEvent => ({ id: randomIds.eventId(), at: new Date().toISOString(), type: 'message_received', data: { channel: 'email', from: 'alex@company.com', text } });

interface Stream {
  res: IncomingMessage;
  text(): string;
  /** Resolves when the text so far satisfies `ok`; rejects once the stream ended without it. */
  until(ok: (text: string) => boolean): Promise<void>;
  ended: Promise<void>;
}

function openStream(port: number, path: string, cookie: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, cookie, accept: 'text/event-stream' }, agent: false }, (res) => {
      let text = '';
      const waiters: Array<() => void> = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const w of waiters.splice(0)) w();
      });
      const ended = new Promise<void>((done) => res.on('end', () => { done(); for (const w of waiters.splice(0)) w(); }));
      const until = async (ok: (t: string) => boolean): Promise<void> => {
        let finished = false;
        void ended.then(() => (finished = true));
        while (!ok(text)) {
          if (finished || res.readableEnded) throw new Error(`stream ended without it: ${text}`);
          await new Promise<void>((r) => waiters.push(r));
        }
      };
      resolve({ res, text: () => text, until, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('live updates', () => {
  it('a thread’s stream gets a change event when anything is appended to that thread, none for others, and ends on close', async () => {
    c = await startStubContainer(llm, { API_TOKEN: TOKEN });
    web = await serveInspector(c);
    const cookie = sessionCookie(await web.post('/ui/login', { token: TOKEN, next: '/ui' }));
    const id = randomIds.threadId();
    const other = randomIds.threadId();
    await c.store.create({ id, agent: 'linear-assistant', events: [message('restock the fridges')] });
    await c.store.create({ id: other, agent: 'linear-assistant', events: [message('something else')] });

    const page = await web.get(`/ui/threads/${id}`, { cookie });
    expect(page.body).toContain(`<body data-live="${id}">`);
    expect(page.body).toContain('<script src="/ui/live.js" defer=""></script>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'; connect-src 'self'");

    const stream = await openStream(web.port, `/ui/events?thread=${id}`, cookie);
    expect(stream.res.headers['content-type']).toContain('text/event-stream');
    await stream.until((t) => t.includes('event: ready'));
    const all = await openStream(web.port, '/ui/events', cookie);
    await all.until((t) => t.includes('event: ready'));

    // The other thread first: only the unfiltered stream hears of it.
    await c.service.receive({ kind: 'input', threadId: other as ThreadId, from: { channel: 'api' }, input: { kind: 'message', text: 'ping' } });
    await all.until((t) => t.includes(`data: ${other}`));
    llm.script({ intent: 'done_for_now', message: 'Done.' });
    await c.service.receive({ kind: 'input', threadId: id as ThreadId, from: { channel: 'api' }, input: { kind: 'message', text: 'more beer' } });
    await stream.until((t) => t.includes(`event: changed\ndata: ${id}\n`));
    expect(stream.text()).not.toContain(other);

    await c.close();
    c = undefined;
    await Promise.all([stream.ended, all.ended]);
  });

  it('at most maxStreams streams are open at once; a closed one frees its place', async () => {
    c = await startStubContainer(llm);
    const changes = threadChanges();
    const ui = uiRoutes({ store: c.store, agents: c.agents, intake: c.service, changes, maxStreams: 1 });
    const first = await ui.request('http://127.0.0.1/events');
    expect(first.status).toBe(200);
    const reader = first.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: ready');
    expect((await ui.request('http://127.0.0.1/events')).status).toBe(503);
    await reader.cancel();
    // The stream's loop notices the cancel on its next turn; wait for its place, boundedly.
    for (let i = 0; i < 1000 && changes.listeners > 0; i++) await new Promise((r) => setImmediate(r));
    expect(changes.listeners).toBe(0);
    const again = await ui.request('http://127.0.0.1/events');
    expect(again.status).toBe(200);
    changes.close();
    // The process closing ends the stream: reading it to the end returns.
    const rest = again.body!.getReader();
    let chunks = 0;
    while (!(await rest.read()).done) chunks++;
    expect(chunks).toBeGreaterThan(0);
  });
});
