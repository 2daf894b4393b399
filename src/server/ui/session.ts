// The inspector's login session: a signed, expiring cookie that proves the API token was shown, never the token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'hardway_session';
export const defaultSessionMs = 12 * 60 * 60 * 1000;

export interface SessionOptions {
  apiToken: string;
  /** Epoch milliseconds. */
  now: () => number;
  sessionMs?: number;
}

export function sameToken(given: string, token: string): boolean {
  const x = Buffer.from(given);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Derived from the token: rotating the token ends every session, and the cookie cannot be turned back into it. */
export const cookieKey = (apiToken: string): string => createHmac('sha256', apiToken).update('hardway inspector session v1').digest('base64url');

const cookieOptions = (c: Context, maxAgeSeconds: number) =>
  ({ path: '/ui', httpOnly: true, sameSite: 'Strict', secure: new URL(c.req.url).protocol === 'https:', maxAge: maxAgeSeconds }) as const;

export async function startSession(c: Context, options: SessionOptions): Promise<void> {
  const ms = options.sessionMs ?? defaultSessionMs;
  // The expiry is inside the signed value: a cookie kept past Max-Age by a client is refused all the same.
  await setSignedCookie(c, SESSION_COOKIE, `exp.${options.now() + ms}`, cookieKey(options.apiToken), cookieOptions(c, Math.floor(ms / 1000)));
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/ui' });
}

export async function hasSession(c: Context, options: SessionOptions): Promise<boolean> {
  const value = await getSignedCookie(c, cookieKey(options.apiToken), SESSION_COOKIE);
  const match = typeof value === 'string' ? /^exp\.(\d{1,16})$/.exec(value) : null;
  return match?.[1] !== undefined && Number(match[1]) > options.now();
}

/** Pages without a session go to the login page; other requests get 401. */
export function requireSession(options: SessionOptions): MiddlewareHandler {
  return async (c, next) => {
    if (await hasSession(c, options)) return next();
    if (c.req.method === 'GET') return c.redirect(`/ui/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
    return c.text('log in first', 401);
  };
}
