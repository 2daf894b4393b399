// The inspector on a real port: the container's Hono app served by @hono/node-server, spoken to with node:http so
// the test sets any header a browser (or an attacker's page) would, Host and Origin included.
import { once } from 'node:events';
import { request } from 'node:http';
import { serve } from '@hono/node-server';
import type { Container } from '../../src/app/container.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Served {
  port: number;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export async function serveInspector(c: Container): Promise<Served> {
  const server = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' });
  if (!server.listening) await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const send = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    port,
    get: (path, headers = {}) => send('GET', path, headers),
    post: (path, form, headers = {}) =>
      send('POST', path, { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin', ...headers }, new URLSearchParams(form).toString()),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** What hono/jsx escaped in text, back to the characters. */
export function unescapeHtml(html: string): string {
  return html.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name] ?? '');
}

/** The session cookie a login set, as the browser sends it back. */
export function sessionCookie(reply: Reply): string {
  const set = reply.headers['set-cookie'];
  const first = (Array.isArray(set) ? set : set ? [set] : []).find((c) => c.startsWith('hardway_session='));
  if (first === undefined) throw new Error('no session cookie set');
  return first.split(';')[0] ?? '';
}
