// CSRF defence for the inspector's forms: a POST must come from the inspector's own origin, as the browser says.
import type { MiddlewareHandler } from 'hono';

/**
 * Browsers send Sec-Fetch-Site and Origin on every POST; a client that sends neither is not a browser a foreign page
 * could drive, and still needs the session cookie, which SameSite=Strict keeps from cross-site requests.
 */
export function sameOriginPosts(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin') return c.text(`refused: a ${site} POST`, 403);
    const origin = c.req.header('origin');
    if (origin !== undefined && !sameHost(origin, c.req.header('host') ?? new URL(c.req.url).host)) return c.text(`refused: a POST from ${origin}`, 403);
    return next();
  };
}

/** By host, not scheme: behind a TLS-terminating proxy the page is https while this server sees http. */
function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
