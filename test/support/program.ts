// The whole program for end-to-end tests: settings that point it at the scripted stub model and the Linear
// GraphQL double, and the container's Hono app on a real port of 127.0.0.1, as a provider's webhook reaches it.
import { once } from 'node:events';
import { serve } from '@hono/node-server';
import type { Container } from '../../src/app/container.js';
import type { LinearDouble } from './linear-double/linear-double.js';
import type { StubLlm } from './stub-llm.js';

/** A thread store in memory and the stub model; add each channel's settings. */
export function stubModelEnv(llm: StubLlm): Record<string, string> {
  return {
    DATABASE_URL: ':memory:',
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    PREFETCH_TTL_MS: '0',
  };
}

/** The Linear Assistant's tools over GraphQL to the double, which checks every document against Linear's schema. */
export function linearDoubleEnv(linear: LinearDouble): Record<string, string> {
  return { LINEAR_API_KEY: linear.apiKey, LINEAR_API_URL: linear.url };
}

export interface Listening {
  /** http://127.0.0.1:<port> */
  base: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(c: Pick<Container, 'app'>): Promise<Listening> {
  const server = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' });
  if (!server.listening) await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
