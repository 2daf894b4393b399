// `hardway serve` serves the inspector itself: the real process (tsx loading the JSX pages), login to thread list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hardway-ui-'));
const TOKEN = 'served-ui-token-0123456789abcdef';
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hardway serve', () => {
  it('serves /ui: the login page, a session from the token, and the threads list with it', async () => {
    server = await startServerProcess({ DATABASE_URL: join(dir, 'ui.sqlite'), LINEAR_WORKSPACE_FILE: join(dir, 'ws.sqlite'), API_TOKEN: TOKEN });
    const redirected = await fetch(`${server.url}/ui`, { redirect: 'manual' });
    expect(redirected.status).toBe(303);
    const form = await fetch(`${server.url}/ui/login`);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(await form.text()).toContain('<label for="token">');
    const login = await fetch(`${server.url}/ui/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN, next: '/ui' }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = await fetch(`${server.url}/ui`, { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('<h1>Threads</h1>');
  }, 60_000);
});
