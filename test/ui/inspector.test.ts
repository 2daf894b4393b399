// The inspector through real HTTP: login and session cookie, redirects, CSRF refusal, filters and search, and the
// thread page showing step 3's exact prompt as the scripted model received it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import type { NewEvent } from '../../src/core/events.js';
import { randomIds, type ThreadId } from '../../src/core/ids.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { generateSignedCookie } from 'hono/cookie';
import { cookieKey, SESSION_COOKIE } from '../../src/server/ui/session.js';
import { serveInspector, sessionCookie, unescapeHtml, type Served } from './inspector-http.js';
import { SEED_REQUEST, seedRecoveryReplies } from '../support/seed-recovery.js';

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

async function start(env: Record<string, string> = { API_TOKEN: TOKEN }): Promise<Served> {
  c = await startStubContainer(llm, env);
  web = await serveInspector(c);
  return web;
}

async function login(w: Served): Promise<string> {
  const res = await w.post('/ui/login', { token: TOKEN, next: '/ui' });
  expect(res.status).toBe(303);
  return sessionCookie(res);
}

const message = (channel: string, from: string, text: string): NewEvent => ({
  id: randomIds.eventId(),
  at: new Date().toISOString(),
  type: 'message_received',
  data: { channel, from, text },
});

async function thread(events: NewEvent[]): Promise<ThreadId> {
  const id = randomIds.threadId();
  await c!.store.create({ id, agent: 'linear-assistant', events });
  return id;
}

const listed = (html: string): string[] => [...html.matchAll(/data-thread="(thr_[^"]+)"/g)].map((m) => m[1]!).toSorted();

describe('inspector login', () => {
  it('the right token sets an HttpOnly, SameSite=Strict, expiring session cookie that is not the token, and opens the pages', async () => {
    const w = await start();
    const res = await w.post('/ui/login', { token: TOKEN, next: '/ui' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/ui');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^hardway_session=/);
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).toMatch(/; Path=\/ui/);
    expect(set).toMatch(/; Max-Age=43200/);
    expect(set).not.toContain(TOKEN);
    expect(set).not.toContain(encodeURIComponent(TOKEN));
    const page = await w.get('/ui', { cookie: sessionCookie(res) });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Threads</h1>');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('a wrong token gets the form again with 401 and no cookie; a forged cookie is no session', async () => {
    const w = await start();
    const res = await w.post('/ui/login', { token: 'not-the-token', next: '/ui' });
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('That is not the API token.');
    const cookie = await login(w);
    const [name, value] = cookie.split('=');
    const forged = `${name}=${encodeURIComponent(`exp.9999999999999.${decodeURIComponent(value ?? '').split('.').at(-1)}`)}`;
    expect((await w.get('/ui', { cookie: forged })).status).toBe(303);
  });

  it('a session past its expiry is no session, even correctly signed and still sent by the browser', async () => {
    const w = await start();
    const key = cookieKey(TOKEN);
    const signed = async (expiresAt: number) => (await generateSignedCookie(SESSION_COOKIE, `exp.${expiresAt}`, key)).split(';')[0] ?? '';
    expect((await w.get('/ui', { cookie: await signed(Date.now() + 60_000) })).status).toBe(200);
    expect((await w.get('/ui', { cookie: await signed(Date.now() - 1) })).status).toBe(303);
    expect((await w.get('/ui', { cookie: (await generateSignedCookie(SESSION_COOKIE, `exp.${Date.now() + 60_000}`, cookieKey('another-token'))).split(';')[0] ?? '' })).status).toBe(303);
  });

  it('without a session every page redirects to the login, which sends you back where you were going', async () => {
    const w = await start();
    for (const path of ['/ui', '/ui/threads/thr_nope', '/ui/threads/thr_nope/steps/3']) {
      const res = await w.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/ui/login?next=${encodeURIComponent(path)}`);
    }
    const form = await w.get('/ui/login?next=/ui/threads/thr_x');
    expect(form.body).toMatch(/<label for="token">\s*API token/);
    expect(form.body).toContain('value="/ui/threads/thr_x"');
    // Only a path of the inspector: a login link cannot send anyone to another site.
    const away = await w.post('/ui/login', { token: TOKEN, next: 'https://evil.example/' });
    expect(away.headers.location).toBe('/ui');
  });

  it('a POST from a foreign origin is refused with 403, whether the browser says so by Origin or by Sec-Fetch-Site', async () => {
    const w = await start();
    const cookie = await login(w);
    const foreign = await w.post('/ui/login', { token: TOKEN }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect((await w.post('/ui/logout', {}, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await w.post('/ui/logout', {}, { cookie, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    const own = await w.post('/ui/logout', {}, { cookie });
    expect(own.status).toBe(303);
    expect(String(own.headers['set-cookie'])).toMatch(/hardway_session=;/);
  });

  it('without API_TOKEN there is no login and only loopback Hosts and Origins are served, as for /v1', async () => {
    const w = await start({});
    expect((await w.get('/ui')).status).toBe(200);
    expect((await w.get('/ui', { host: 'evil.example' })).status).toBe(403);
    expect((await w.post('/ui/logout', {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });
});

describe('threads list', () => {
  it('filters by status, agent and channel, and finds threads by words, sender and issue identifier, newest first', async () => {
    const w = await start();
    const cookie = await login(w);
    const email = await thread([message('email', 'alex@company.com', 'The fridge in ENG-42 is empty')]);
    const slack = await thread([message('slack', 'U024BE7LH', 'Fridge door broken')]);
    const sms = await thread([message('sms', '+15551234567', 'Printer jam')]);
    await c!.store.append(sms, [{ id: randomIds.eventId(), at: new Date().toISOString(), type: 'escalated', data: { guard: 'max_steps', reason: 'too many steps' } }], { expectedSeq: 1 });
    const page = async (query: string) => listed((await w.get(`/ui?${query}`, { cookie })).body);
    expect(await page('')).toEqual([email, slack, sms].toSorted());
    expect(await page('channel=slack')).toEqual([slack]);
    expect(await page('q=fridge')).toEqual([email, slack].toSorted());
    expect(await page('q=alex%40company.com')).toEqual([email]);
    expect(await page('q=eng-42')).toEqual([email]);
    expect(await page('status=escalated')).toEqual([sms]);
    expect(await page('status=ready&channel=email')).toEqual([email]);
    expect(await page('status=done')).toEqual([]);
    expect(await page('agent=linear-assistant&q=printer')).toEqual([sms]);
    expect(await page('agent=someone-else')).toEqual([]);
    const all = (await w.get('/ui', { cookie })).body;
    const order = [...all.matchAll(/data-thread="(thr_[^"]+)"/g)].map((m) => m[1]);
    expect(order[0]).toBe(sms); // its append made it the newest
    expect((await w.get('/ui?status=sideways', { cookie })).status).toBe(400);
  });

  it('pages by cursor: 50 a page, the link to older threads keeps the filters', async () => {
    const w = await start();
    const cookie = await login(w);
    const ids: ThreadId[] = [];
    for (let i = 0; i < 53; i++) ids.push(await thread([message('email', 'alex@company.com', `note ${i}`)]));
    const first = await w.get('/ui?channel=email', { cookie });
    expect(listed(first.body)).toHaveLength(50);
    const next = unescapeHtml(/href="([^"]+)" rel="next"/.exec(first.body)?.[1] ?? '');
    expect(next).toMatch(/^\/ui\?channel=email&cursor=/);
    const second = await w.get(next, { cookie });
    expect(listed(second.body)).toHaveLength(3);
    expect([...listed(first.body), ...listed(second.body)].toSorted()).toEqual(ids.toSorted());
    expect(second.body).not.toContain('rel="next"');
  });
});

describe('thread page', () => {
  it('shows every event with channel and time, each model step’s usage, and step 3’s exact prompt as the model received it', async () => {
    const w = await start();
    const cookie = await login(w);
    llm.script(...seedRecoveryReplies());
    const id = await thread([message('email', 'alex@company.com', SEED_REQUEST)]);
    await c!.worker.drain();
    const events = (await c!.store.load(id))!.events;
    const steps = events.filter((e) => e.type === 'step_decided' && e.data.origin === 'model');
    expect(steps).toHaveLength(4);
    const third = steps[2]!;
    const received = llm.requests[2]!.rawBody;

    const page = await w.get(`/ui/threads/${id}`, { cookie });
    expect(page.status).toBe(200);
    for (const e of events) expect(page.body).toContain(`<li id="seq-${e.seq}" data-type="${e.type}">`);
    expect(page.body).toContain('via email at');
    expect(page.body).toContain(`<time datetime="${events[0]!.at}">`);
    expect(page.body).toContain('create_issue failed');
    expect(page.body).toMatch(/<dt>Cached input tokens<\/dt>/);
    expect(page.body).toContain(`href="/ui/threads/${id}/steps/${third.seq}"`);
    // The diff: what step 3 shares with step 2's prompt, and its new tail verbatim.
    const shared = /shares its first (\d+) characters with the prompt of #(\d+)/.exec(
      page.body.slice(page.body.indexOf(`id="seq-${third.seq}"`)),
    );
    expect(Number(shared?.[2])).toBe(steps[1]!.seq);
    const prefix = Number(shared?.[1]);
    expect(received.slice(0, prefix)).toBe(llm.requests[1]!.rawBody.slice(0, prefix));
    expect(unescapeHtml(page.body)).toContain(received.slice(prefix));

    // Opened on the thread page itself: the exact prompt, its shared prefix and new tail marked.
    expect(page.body).toContain(`href="/ui/threads/${id}?prompt=${third.seq}#seq-${third.seq}"`);
    expect(page.body).not.toContain('<pre id="prompt-');
    const opened = await w.get(`/ui/threads/${id}?prompt=${third.seq}`, { cookie });
    const inline = new RegExp(`<pre id="prompt-${third.seq}"><mark class="shared">([\\s\\S]*?)</mark><ins class="tail">([\\s\\S]*?)</ins></pre>`).exec(opened.body);
    expect(unescapeHtml(inline?.[1] ?? '')).toBe(received.slice(0, prefix));
    expect(unescapeHtml(`${inline?.[1] ?? ''}${inline?.[2] ?? ''}`)).toBe(received);
    expect(opened.body.match(/<pre id="prompt-/g)).toHaveLength(1);

    const step = await w.get(`/ui/threads/${id}/steps/${third.seq}`, { cookie });
    expect(step.status).toBe(200);
    const shown = /<pre id="prompt">([\s\S]*?)<\/pre>/.exec(step.body)?.[1];
    expect(unescapeHtml(shown ?? '')).toBe(received);
    expect(step.body).toContain('&quot;intent&quot;: &quot;create_issue&quot;');
    expect((await w.get(`/ui/threads/thr_unknown`, { cookie })).status).toBe(404);
  });
});
