// #9.1: without API_TOKEN the API serves this machine only: web pages (cross-origin text/plain POSTs, HTML forms)
// and DNS rebinding get nothing done, while the README's curl examples work exactly as written.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { serve } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { startStubContainer } from '../support/stub-container.js';

let llm: StubLlm;
let c: Container;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => c.close());

async function start(extra: Record<string, string> = {}): Promise<void> {
  c = await startStubContainer(llm, extra);
}

const local = { host: '127.0.0.1:3000' };
const launchJson = JSON.stringify({ message: 'make an issue for Austin to restock the fridges', from: 'alex@company.com' });

async function threadCount(): Promise<number> {
  return (await c.store.list({ limit: 200 })).threads.length;
}

/** A thread waiting for approval to close an issue, made through the API from this machine. */
async function pendingClose(): Promise<{ id: string; issue: string }> {
  const team = (await c.linear.listTeams())[0];
  const issue = (await c.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
  const done = (await c.linear.listWorkflowStates({ teamId: team?.id ?? '' })).find((s) => s.type === 'completed');
  if (!issue || !done) throw new Error('seed workspace has no issue or completed state');
  llm.script({ intent: 'update_issue', issue_ids: [issue.identifier], changes: { state_id: done.id } }, { intent: 'done_for_now', message: 'closed' });
  const res = await c.app.request('/v1/threads', { method: 'POST', headers: { ...local, 'content-type': 'application/json' }, body: JSON.stringify({ message: `close ${issue.identifier}` }) });
  expect(res.status).toBe(202);
  const { thread_id: id } = (await res.json()) as { thread_id: string };
  await c.worker.drain();
  expect(await statusOf(id)).toBe('awaiting_approval');
  return { id, issue: issue.identifier };
}

async function statusOf(id: string): Promise<string> {
  const res = await c.app.request(`/v1/threads/${id}`, { headers: local });
  return ((await res.json()) as { status: string }).status;
}

async function errorOf(res: Response): Promise<{ code: string; message: string; retry: boolean }> {
  return ((await res.json()) as { error: { code: string; message: string; retry: boolean } }).error;
}

describe('#9.1: the token-less server obeys no web page', () => {
  beforeEach(async () => start());

  it('#9.1: a cross-origin text/plain POST to /v1/threads is refused and creates nothing', async () => {
    const res = await c.app.request('/v1/threads', {
      method: 'POST',
      headers: { ...local, origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' },
      body: launchJson,
    });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ code: 'forbidden', retry: false });
    expect(await threadCount()).toBe(0);
  });

  it('#9.1: an HTML form with enctype="text/plain" creates no thread, with or without an Origin', async () => {
    // What <form enctype="text/plain"> with <input name='{"message":"x","pad":"' value='"}'> posts: valid JSON.
    const formBody = '{"message":"make an issue for the attacker","pad":"="}\r\n';
    const fromPage = await c.app.request('/v1/threads', { method: 'POST', headers: { ...local, origin: 'null', 'content-type': 'text/plain' }, body: formBody });
    expect(fromPage.status).toBe(403);
    // An old browser or a plugin may leave the Origin out; the media type alone refuses it then.
    const noOrigin = await c.app.request('/v1/threads', { method: 'POST', headers: { ...local, 'content-type': 'text/plain' }, body: formBody });
    expect(noOrigin.status).toBe(415);
    const refused = await errorOf(noOrigin);
    expect(refused).toMatchObject({ code: 'unsupported_media_type', retry: false });
    expect(refused.message).toMatch(/application\/json.*text\/plain/);
    const urlEncoded = await c.app.request('/v1/threads', { method: 'POST', headers: { ...local, 'content-type': 'application/x-www-form-urlencoded' }, body: 'message=x' });
    expect(urlEncoded.status).toBe(415);
    expect(await threadCount()).toBe(0);
    expect(llm.requests).toHaveLength(0);
  });

  it('#9.1: a DNS-rebinding Host can neither list threads nor approve a pending close', async () => {
    const { id, issue } = await pendingClose();
    const rebound = { host: 'rebind.evil.example:3000' };
    const list = await c.app.request('/v1/threads', { headers: rebound });
    expect(list.status).toBe(403);
    expect(JSON.stringify(await list.json())).not.toContain(id);
    expect((await c.app.request(`/v1/threads/${id}`, { headers: rebound })).status).toBe(403);
    // The rebinding page is same-origin with its own name, so its browser sends that as the Origin.
    const approve = await c.app.request(`/v1/threads/${id}/responses`, {
      method: 'POST',
      headers: { ...rebound, origin: 'http://rebind.evil.example:3000', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'approval', approved: true }),
    });
    expect(approve.status).toBe(403);
    await c.worker.drain();
    expect(await statusOf(id)).toBe('awaiting_approval');
    expect((await c.linear.getIssue(issue)).state.type).not.toBe('completed');
    expect(llm.requests).toHaveLength(1);
  });

  it('#9.1: loopback names are served with or without a port, and a loopback Origin is fine', async () => {
    for (const host of ['127.0.0.1', '127.0.0.1:3000', 'localhost', 'LOCALHOST:8080', '[::1]', '[::1]:3000']) {
      expect((await c.app.request('/v1/threads', { headers: { host } })).status, host).toBe(200);
    }
    for (const origin of ['http://127.0.0.1:3000', 'http://localhost:5173', 'http://[::1]:3000']) {
      expect((await c.app.request('/v1/threads', { headers: { ...local, origin } })).status, origin).toBe(200);
    }
    for (const host of ['127.0.0.1.evil.example', 'localhost.evil.example:3000', 'evil.example', '0.0.0.0:3000']) {
      expect((await c.app.request('/v1/threads', { headers: { host } })).status, host).toBe(403);
    }
  });

  it('#9.1: over a real socket too, a rebinding Host is refused and loopback ones are served', async () => {
    const server = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' });
    if (!server.listening) await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/threads', headers: { host }, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await statusFor('rebind.evil.example:3000')).toBe(403);
      expect(await statusFor(`127.0.0.1:${port}`)).toBe(200);
      expect(await statusFor(`localhost:${port}`)).toBe(200);
      expect(await statusFor(`[::1]:${port}`)).toBe(200);
    } finally {
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    }
  });

  it("#9.1: the README's curl examples work exactly as written", async () => {
    const curls = readmeCurls();
    expect(curls.map((x) => `${x.method} ${x.url.replace(/^http:\/\/[^/]+/, '')}`)).toEqual([
      'POST /v1/threads',
      'GET /v1/threads/thr_…',
      'GET /v1/threads/thr_…/context',
      'POST /v1/threads/thr_…/responses',
      'POST /v1/threads/thr_…/responses',
      'POST /v1/threads/thr_…/responses',
    ]);
    const team = (await c.linear.listTeams()).find((t) => t.key === 'OPS');
    const done = (await c.linear.listWorkflowStates({ teamId: team?.id ?? '' })).find((s) => s.type === 'completed');
    const issue = (await c.linear.searchIssues({ teamId: team?.id ?? '' }))[0];
    if (!issue || !done) throw new Error('seed workspace has no OPS issue or completed state');
    llm.script(
      { intent: 'request_more_information', message: 'Which team?' },
      { intent: 'update_issue', issue_ids: [issue.identifier], changes: { state_id: done.id } },
      { intent: 'done_for_now', message: 'Not closed; will assign it to Sarah.' },
    );
    const [launch, show, context, answer, deny, retry] = curls;
    if (!launch || !show || !context || !answer || !deny || !retry) throw new Error('unreachable');
    const launched = await replay(launch, '');
    expect(launched.status).toBe(202);
    const { thread_id: id } = (await launched.json()) as { thread_id: string };
    await c.worker.drain();
    expect((await replay(show, id)).status).toBe(200);
    expect((await replay(context, id)).status).toBe(200);
    expect(await statusOf(id)).toBe('awaiting_human');
    expect((await replay(answer, id)).status).toBe(202);
    await c.worker.drain();
    expect(await statusOf(id)).toBe('awaiting_approval');
    expect((await replay(deny, id)).status).toBe(202);
    await c.worker.drain();
    expect(await statusOf(id)).toBe('done');

    // The retry example, on a thread the provider failed for good (HTTP 401).
    llm.script({ status: 401 }, { intent: 'done_for_now', message: 'Done after all.' });
    const failed = await replay(launch, '');
    const { thread_id: failedId } = (await failed.json()) as { thread_id: string };
    await c.worker.drain();
    expect(await statusOf(failedId)).toBe('failed');
    expect((await replay(retry, failedId)).status).toBe(202);
    await c.worker.drain();
    expect(await statusOf(failedId)).toBe('done');
  });
});

describe('#9.1: with API_TOKEN set, bearer auth governs', () => {
  const TOKEN = 'test-token-0123456789abcdef';
  beforeEach(async () => start({ API_TOKEN: TOKEN }));

  it('#9.1: any Host is served with the token, none without it; bodies must still be JSON', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await c.app.request('/v1/threads', { headers: { host: 'hardway.internal.example', ...auth } })).status).toBe(200);
    expect((await c.app.request('/v1/threads', { headers: { host: '127.0.0.1:3000' } })).status).toBe(401);
    const launched = await c.app.request('/v1/threads', { method: 'POST', headers: { host: 'hardway.internal.example', ...auth, 'content-type': 'application/json; charset=utf-8' }, body: launchJson });
    expect(launched.status).toBe(202);
    const plain = await c.app.request('/v1/threads', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: launchJson });
    expect(plain.status).toBe(415);
    expect(await threadCount()).toBe(1);
  });
});

interface Curl {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The curl commands of the README's "Run it" section, parsed the way a shell and curl read them. */
function readmeCurls(): Curl[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Run it')[1]?.split('\n## ')[0] ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const lines = blocks.join('\n').replace(/\\\n\s*/g, ' ').split('\n');
  return lines.filter((l) => l.startsWith('curl ')).map((l) => parseCurl(shellWords(l)));
}

function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"([^"]*)"|(#.*$)|(\S+)/g;
  for (const m of line.matchAll(pattern)) {
    if (m[3] !== undefined) break;
    words.push(m[1] ?? m[2] ?? m[4] ?? '');
  }
  return words;
}

function parseCurl(words: string[]): Curl {
  const curl: Curl = { method: 'GET', url: '', headers: {} };
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word === '-s') continue;
    else if (word === '-X') curl.method = words[++i] ?? '';
    else if (word === '-H') {
      const [name = '', ...value] = (words[++i] ?? '').split(':');
      curl.headers[name.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') {
      curl.body = words[++i] ?? '';
      if (curl.method === 'GET') curl.method = 'POST';
    } else if (word.startsWith('http')) curl.url = word;
    else throw new Error(`the README uses a curl option this test does not know: ${word}`);
  }
  return curl;
}

/** What curl sends for the command: its Host and default headers, then the command's own. */
function replay(curl: Curl, threadId: string): Promise<Response> {
  const url = curl.url.replace('thr_…', threadId);
  const headers: Record<string, string> = { host: new URL(url).host, 'user-agent': 'curl/7.88.1', accept: '*/*', ...curl.headers };
  // -d without a -H content-type is sent as a form by curl; the README always names JSON.
  if (curl.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return Promise.resolve(c.app.request(url, { method: curl.method, headers, ...(curl.body !== undefined ? { body: curl.body } : {}) }));
}
