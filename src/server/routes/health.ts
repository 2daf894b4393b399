// GET /healthz: is the store answering, is a model provider configured and reachable, is Linear reachable.
import { Hono } from 'hono';

export type HealthCheck = () => Promise<{ ok: boolean; detail?: string }>;

export function healthRoutes(checks: Record<string, HealthCheck>, timeoutMs = 3_000): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          const result = await Promise.race([
            check(),
            new Promise<{ ok: false; detail: string }>((resolve) => setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs).unref()),
          ]);
          return [name, result] as const;
        } catch (error) {
          return [name, { ok: false, detail: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    const ok = entries.every(([, r]) => r.ok);
    return c.json({ ok, checks: Object.fromEntries(entries) }, ok ? 200 : 503);
  });
  return app;
}
