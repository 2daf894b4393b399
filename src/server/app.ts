// The HTTP app: Request → Response, so tests call `app.request()` without a server.
import { timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../support/logger.js';
import { errorResponse, onError } from './errors.js';
import { requireJsonBody } from './json-body.js';
import { loopbackOnly } from './loopback-only.js';
import { openApiDocument } from './openapi.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';
import { replayRoutes, type ReplayRoutesDeps } from './routes/replay.js';
import { threadRoutes, type ThreadRoutesDeps } from './routes/threads.js';
import { uiRoutes } from './ui/routes.js';
import type { ThreadChanges } from './ui/thread-changes.js';

export interface AppDeps extends ThreadRoutesDeps, Partial<ReplayRoutesDeps> {
  logger: Logger;
  /** Bearer token for /v1; without one the server listens on 127.0.0.1 (see serve.ts) and /v1 serves loopback names only. */
  apiToken?: string;
  health: Record<string, HealthCheck>;
  /** Channel webhooks and pages, mounted by path, authenticated by their own signatures. */
  mounts?: Record<string, Hono>;
  maxBodyBytes?: number;
  /** What the inspector's pages follow live; without it they do not update themselves. */
  changes?: ThreadChanges;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bearerAuth(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token !== undefined) {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer (.+)$/.exec(header);
      if (!match?.[1] || !sameSecret(match[1], token)) {
        c.header('WWW-Authenticate', 'Bearer');
        return errorResponse(c, 401, 'unauthorized', 'missing or bad bearer token');
      }
    }
    await next();
  };
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes ?? 1024 * 1024,
    onError: (c) => errorResponse(c, 413, 'too_large', `request body over ${deps.maxBodyBytes ?? 1024 * 1024} bytes`),
  });
  app.onError(onError(deps.logger));
  app.notFound((c) => errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.route('/healthz', healthRoutes(deps.health));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  // Without a token, who may act is decided by the Host and Origin alone; the signed mounts below are not affected.
  if (deps.apiToken === undefined) app.use('/v1/*', loopbackOnly());
  app.use('/v1/*', bearerAuth(deps.apiToken), requireJsonBody(), limit);
  app.route('/v1/threads', threadRoutes(deps));
  if (deps.replayer) app.route('/v1/threads', replayRoutes({ replayer: deps.replayer }));
  // The inspector: behind a login with the same token (or loopback-only without one), its forms size-limited.
  app.use('/ui/*', limit);
  app.route(
    '/ui',
    uiRoutes({
      store: deps.store,
      agents: deps.agents,
      intake: deps.service,
      ...(deps.changes ? { changes: deps.changes } : {}),
      ...(deps.apiToken !== undefined ? { apiToken: deps.apiToken } : {}),
    }),
  );
  for (const [path, mounted] of Object.entries(deps.mounts ?? {})) app.route(path, mounted);
  return app;
}
