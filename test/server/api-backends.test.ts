// The HTTP API on both store backends, each with two containers on one database standing for two server processes:
// hostile strings in a message (#9.4a) and many answers at once (#9.10).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import { silentLogger } from '../../src/support/logger.js';
import type { ThreadId } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { interleaving } from '../store/interleaving.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const RESPONSES = 50;

let llm: StubLlm;
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());

/** Opens the two processes' stores on one fresh database. */
type OpenStores = () => Promise<[ThreadStore, ThreadStore]>;

function describeApi(backend: string, openStores: OpenStores): void {
  describe(backend, () => {
    let stores: ThreadStore[] = [];
    let containers: Container[] = [];
    afterEach(async () => {
      await Promise.all(containers.map((c) => c.close()));
      await Promise.all(stores.map((s) => s.close()));
      containers = [];
      stores = [];
    });

    async function twoProcesses(): Promise<[Container, Container]> {
      llm.reset();
      stores = await openStores();
      const config = readConfig({
        API_TOKEN: TOKEN,
        LLM_PROVIDER: 'openai-compatible',
        LLM_BASE_URL: llm.baseUrl,
        LLM_MODEL: 'stub',
        LLM_MAX_RETRIES: '0',
        PREFETCH_TTL_MS: '0',
      });
      containers = await Promise.all(
        stores.map(async (store) => createContainer(config, { logger: silentLogger, linear: await testWorkspace(), store })),
      );
      const [a, b] = containers;
      if (a === undefined || b === undefined) throw new Error('no containers');
      return [a, b];
    }

    const post = (c: Container, path: string, body: unknown) =>
      c.app.request(path, { method: 'POST', headers: auth, body: JSON.stringify(body) });

    async function launch(c: Container, message: string): Promise<ThreadId> {
      const res = await post(c, '/v1/threads', { message, from: 'alex@company.com' });
      expect(res.status).toBe(202);
      const body: unknown = await res.json();
      if (typeof body !== 'object' || body === null || !('thread_id' in body) || typeof body.thread_id !== 'string') {
        throw new Error(`no thread id in ${JSON.stringify(body)}`);
      }
      return body.thread_id as ThreadId;
    }

    it(`#9.4a: POST /v1/threads with NUL and lone surrogates answers 202 and the thread loads back exact (${backend})`, async () => {
      const [a, b] = await twoProcesses();
      const message = 'printer \u0000 jammed \ud800 again \udfff, see 😀';
      const id = await launch(a, message);
      const loaded = await b.store.load(id);
      const first = loaded?.events[0];
      expect(first?.type).toBe('message_received');
      expect(first?.data).toEqual({ channel: 'api', from: 'alex@company.com', text: message });
      if (first?.type === 'message_received') expect(first.data.text === message).toBe(true);
      const res = await b.app.request(`/v1/threads/${id}`, { headers: auth });
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain(JSON.stringify(message));
    });

    it(`#9.10: ${RESPONSES} concurrent API responses to one thread over two processes are all stored (${backend})`, async () => {
      const [a, b] = await twoProcesses();
      llm.script({ intent: 'request_more_information', message: 'Which team?' });
      const id = await launch(a, 'make an issue for Austin to restock the fridges');
      await a.worker.drain();
      const before = (await a.store.load(id))?.events ?? [];
      expect(before.at(-1)).toMatchObject({ type: 'step_decided', data: { intent: 'request_more_information' } });

      const answers = Array.from({ length: RESPONSES }, (_, i) => `answer ${i}`);
      const statuses = await Promise.all(
        answers.map(async (message, i) => (await post(i % 2 === 0 ? a : b, `/v1/threads/${id}/responses`, { type: 'response', message })).status),
      );
      expect(statuses).toEqual(answers.map(() => 202));
      const events = (await b.store.load(id))?.events ?? [];
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: before.length + RESPONSES }, (_, i) => i + 1));
      const stored = events.slice(before.length).map((e) => (e.type === 'human_replied' ? e.data.message : e.type));
      expect(stored.toSorted()).toEqual(answers.toSorted());

      // A thread that never asked anything still refuses an answer.
      const fresh = await launch(b, 'another request');
      expect((await post(a, `/v1/threads/${fresh}/responses`, { type: 'response', message: 'unasked' })).status).toBe(409);
    });
  });
}

describe('HTTP API on both store backends', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  describeApi('sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardway-api-'));
    dirs.push(dir);
    const path = join(dir, 'store.sqlite');
    return [interleaving(await openStore({ databaseUrl: path, humanIntents: linearIntentsForEveryAgent })), interleaving(await openStore({ databaseUrl: path, humanIntents: linearIntentsForEveryAgent }))];
  });

  describe.skipIf(!postgresAvailable())('on PostgreSQL', () => {
    let server: TestPostgres | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });
    describeApi('postgres', async () => {
      if (server === undefined) throw new Error('PostgreSQL did not start');
      const url = await server.createDatabase();
      return [await openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent }), await openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent })];
    });
  });
});
