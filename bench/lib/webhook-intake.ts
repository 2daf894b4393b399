// Figure 6: how many verified, deduplicated, durably stored requests per second the intake takes, and at what
// latency. The real service runs in a child process (bench/lib/intake-server.ts, workers off) so the load
// generator (autocannon, in this process) does not share its event loop; both run on this machine's loopback.
//
// Two endpoints: POST /v1/threads (bearer token checked in constant time, body validated with zod, thread
// created in one transaction) and the raw-MIME email webhook (HMAC-SHA256 over the exact body in
// X-Signature-256, header checks, Message-ID deduplicated in the same transaction as the event). Every accepted
// request is then counted in the database: accepted must equal stored.
import type { ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { spawnOwned, stopGroup } from '../../test/support/children.js';
import { email, emailAsText } from '../scenarios/email-triage.js';

export type IntakeStore = 'sqlite' | 'postgres';
export type IntakeEndpoint = 'POST /v1/threads' | 'POST /webhooks/email/raw';

export interface IntakeResult {
  store: IntakeStore;
  endpoint: IntakeEndpoint;
  connections: number;
  durationSec: number;
  /** Accepted (2xx) requests per second. */
  acceptedPerSec: number;
  p50Ms: number;
  p99Ms: number;
  accepted: number;
  rejected: number;
  errors: number;
  /**
   * Threads found in the database afterwards for this endpoint's requests (warm-up included). At least
   * `acceptedTotal`; up to `connections` more, for requests in flight when the load generator stopped counting.
   */
  stored: number;
  /** Accepted requests, warm-up included. */
  acceptedTotal: number;
}

export interface IntakeOptions {
  dir: string;
  durationSec: number;
  warmupSec: number;
  connections: number;
  /** A PostgreSQL URL, or why there is none. */
  postgres: { url: string } | { unavailable: string };
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const API_TOKEN = 'bench-token-0123456789abcdef';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdef0123';
const AUTHSERV = 'mx.bench.test';

function rawMail(messageId: string): Buffer {
  const lines = [
    `Authentication-Results: ${AUTHSERV}; spf=pass smtp.mailfrom=acme.example; dkim=pass header.d=acme.example; dmarc=pass (p=reject) header.from=acme.example`,
    `From: ${email.from.name} <${email.from.address}>`,
    `To: ${email.to.name} <${email.to.address}>`,
    `Subject: ${email.subject}`,
    'Date: Mon, 03 Mar 2025 10:58:00 +0000',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...email.body.split('\n'),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

interface Server {
  port: number;
  email: boolean;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(databaseUrl: string, dir: string): Promise<Server> {
  const child = spawnOwned(process.execPath, ['--import', 'tsx', join(root, 'bench/lib/intake-server.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      API_TOKEN,
      LINEAR_WORKSPACE_FILE: ':memory:',
      LINEAR_SEED_FILE: join(root, 'workspace.seed.json'),
      IMAP_CURSOR_FILE: join(dir, 'imap-cursor.json'),
      EMAIL_ADDRESS: email.to.address,
      ALLOWED_SENDERS: '@acme.example',
      TRUSTED_AUTHSERV_ID: AUTHSERV,
      EMAIL_TOKEN_SECRET: 'bench-token-secret-0123456789abcdef0123456',
      EMAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const gaveUp = new AbortController();
  const timer = setTimeout(() => gaveUp.abort(), 60_000);
  let first: string;
  try {
    first = await Promise.race([
      once(lines, 'line', { signal: gaveUp.signal }).then(([line]) => String(line)),
      once(child, 'exit', { signal: gaveUp.signal }).then(() => {
        throw new Error(`intake server exited: ${stderr}`);
      }),
    ]);
  } catch (error) {
    await stopGroup(child, 'SIGKILL');
    throw gaveUp.signal.aborted ? new Error(`intake server did not start within 60 s: ${stderr}`) : error;
  } finally {
    clearTimeout(timer);
    gaveUp.abort();
    lines.close();
  }
  const info = JSON.parse(first) as { port: number; email: boolean };
  return {
    port: info.port,
    email: info.email,
    child,
    async stop() {
      await stopGroup(child);
    },
  };
}

async function countThreads(store: IntakeStore, databaseUrl: string): Promise<number> {
  if (store === 'sqlite') {
    const db = new DatabaseSync(databaseUrl, { readOnly: true });
    try {
      return Number(db.prepare('SELECT count(*) AS n FROM threads').get()?.n ?? 0);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>('SELECT count(*) AS n FROM threads');
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

function load(port: number, endpoint: IntakeEndpoint, connections: number, durationSec: number): Promise<autocannon.Result> {
  const url = `http://127.0.0.1:${port}`;
  if (endpoint === 'POST /v1/threads') {
    return autocannon({
      url: `${url}/v1/threads`,
      connections,
      duration: durationSec,
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: emailAsText(email), from: email.from.address }),
    });
  }
  return autocannon({
    url,
    connections,
    duration: durationSec,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/email/raw',
        // A new Message-ID per request, signed like a real relay would: every request is a new delivery.
        setupRequest: (request) => {
          const body = rawMail(`<${randomUUID()}@acme.example>`);
          const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
          return { ...request, body, headers: { 'content-type': 'message/rfc822', 'x-signature-256': `sha256=${signature}` } };
        },
      },
    ],
  });
}

/** A redelivery must be a 200 no-op: checked once per store before the load, so "deduplicated" is not a claim. */
async function checkDedupe(port: number): Promise<void> {
  const body = rawMail(`<dedupe-${randomUUID()}@acme.example>`);
  const headers = { 'content-type': 'message/rfc822', 'x-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}` };
  const post = () => fetch(`http://127.0.0.1:${port}/webhooks/email/raw`, { method: 'POST', body, headers });
  const [first, again] = [await post(), await post()];
  if (first.status !== 202 || again.status !== 200) throw new Error(`email webhook dedupe check failed: ${first.status}, then ${again.status}`);
}

export async function measureIntake(options: IntakeOptions): Promise<{ results: IntakeResult[]; postgres: string }> {
  const stores: Array<{ store: IntakeStore; url: string }> = [{ store: 'sqlite', url: join(options.dir, 'intake.sqlite') }];
  if ('url' in options.postgres) stores.push({ store: 'postgres', url: options.postgres.url });
  const results: IntakeResult[] = [];
  for (const { store, url } of stores) {
    const server = await startServer(url, options.dir);
    try {
      const endpoints: IntakeEndpoint[] = server.email ? ['POST /v1/threads', 'POST /webhooks/email/raw'] : ['POST /v1/threads'];
      if (server.email) await checkDedupe(server.port);
      for (const endpoint of endpoints) {
        const before = await countThreads(store, url);
        const warm = options.warmupSec > 0 ? await load(server.port, endpoint, options.connections, options.warmupSec) : undefined;
        const run = await load(server.port, endpoint, options.connections, options.durationSec);
        const stored = (await countThreads(store, url)) - before;
        results.push({
          store,
          endpoint,
          connections: options.connections,
          durationSec: run.duration,
          acceptedPerSec: run['2xx'] / run.duration,
          p50Ms: run.latency.p50,
          p99Ms: run.latency.p99,
          accepted: run['2xx'],
          rejected: run.non2xx,
          errors: run.errors,
          stored,
          acceptedTotal: run['2xx'] + (warm?.['2xx'] ?? 0),
        });
      }
    } finally {
      await server.stop();
    }
  }
  return { results, postgres: 'url' in options.postgres ? 'ok' : options.postgres.unavailable };
}
