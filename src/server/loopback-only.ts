// Without an API token the API trusts whoever can connect, which must be this machine only. Listening on 127.0.0.1
// is not enough: a web page can make the browser send requests there (a text/plain POST needs no preflight), and
// DNS rebinding makes a foreign name resolve to 127.0.0.1. So the Host must be a loopback name and an Origin, when
// a browser sends one, must be loopback too.
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';

export interface LoopbackOnlyOptions {
  /** Host names (without port) that address this machine. */
  hosts?: readonly string[];
}

export const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** The host name of a Host header or URL authority, lowercased, without the port: `[::1]:3000` → `[::1]`. */
export function hostName(authority: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d*)?$/i.exec(authority.trim());
  return match?.[1]?.toLowerCase();
}

function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? hostName(url.host) : undefined;
  } catch {
    return undefined;
  }
}

export function loopbackOnly(options: LoopbackOnlyOptions = {}): MiddlewareHandler {
  const allowed = new Set((options.hosts ?? loopbackHosts).map((h) => h.toLowerCase()));
  const isAllowed = (host: string | undefined): boolean => host !== undefined && allowed.has(host);
  return async (c, next) => {
    // Node's server builds the request URL from the Host header; app.request() may send no Host at all.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!isAllowed(hostName(host))) {
      return errorResponse(c, 403, 'forbidden', `without API_TOKEN only requests to ${[...allowed].join(', ')} are served; this one was for "${host}" (set API_TOKEN to serve other names)`);
    }
    const origin = c.req.header('origin');
    // "null" is what sandboxed pages and file:// send: not this machine's web app either.
    if (origin !== undefined && !isAllowed(originHost(origin))) {
      return errorResponse(c, 403, 'forbidden', `without API_TOKEN requests from web pages of other origins are refused (Origin: ${origin})`);
    }
    await next();
  };
}
