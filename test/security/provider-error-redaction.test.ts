// #9.2: a provider's error body that echoes the API key leaves no trace of the key in the stored events, the API's
// answers or the log, while the reason still says what happened.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { parseThreadId } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

const KEY = 'sk-proj-Echoed0123456789abcdefKEY';
const LINEAR_KEY = 'lin_api_0123456789abcdefghijklmnop';
const SMTP_PASSWORD = 'smtp-p@ss/w0rd';
let llm: StubLlm;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());

it('#9.2: a 401 echoing the API key is stored, returned and logged without the key', async () => {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  const raw = await openStore({ databaseUrl: ':memory:', humanIntents: linearIntentsForEveryAgent });
  const config = readConfig({
    DATABASE_URL: ':memory:',
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    LLM_API_KEY: KEY,
    LLM_MAX_RETRIES: '0',
    LINEAR_API_KEY: LINEAR_KEY,
    SMTP_URL: `smtp://assistant:${encodeURIComponent(SMTP_PASSWORD)}@mail.example:587`,
    PREFETCH_TTL_MS: '0',
    LOG_LEVEL: 'debug',
  });
  const c = await createContainer(config, { store: raw, linear: await testWorkspace(), logDestination: destination });
  try {
    // What some providers answer: the key that was sent, quoted back, raw and URL-encoded.
    llm.script({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY} (${encodeURIComponent(KEY)}). Also not ${LINEAR_KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } },
    });
    const res = await c.app.request('/v1/threads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'what teams are there?' }) });
    expect(res.status).toBe(202);
    const { thread_id: id } = (await res.json()) as { thread_id: string };
    await c.worker.drain();
    expect(llm.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    const threadId = parseThreadId(id);
    if (!threadId) throw new Error(`not a thread id: ${id}`);
    const stored = JSON.stringify((await raw.load(threadId))?.events);
    const returned = await (await c.app.request(`/v1/threads/${id}`)).text();
    const context = await (await c.app.request(`/v1/threads/${id}/context`)).text();
    // The container's logger is the process's logger: whatever reaches it is scrubbed, errors' stacks included.
    c.logger.warn({ reason: `openai HTTP 401: ${KEY}`, err: new Error(`provider said ${KEY}`) }, `model failed: ${KEY}`);
    c.logger.child({ smtp: `login as assistant with ${SMTP_PASSWORD}` }).info('child bindings too');
    const logged = lines.join('');

    expect(JSON.parse(returned)).toMatchObject({ status: 'failed' });
    for (const [where, text] of Object.entries({ stored, returned, context, logged })) {
      for (const secret of [KEY, encodeURIComponent(KEY), LINEAR_KEY, SMTP_PASSWORD]) expect(text, where).not.toContain(secret);
    }
    // The reason still says what happened.
    expect(stored).toMatch(/HTTP 401.*Incorrect API key provided: \[redacted\] \(\[redacted\]\)/);
    expect(logged).toContain('model failed: [redacted]');
    expect(logged).toContain('login as assistant with [redacted]');
    expect(logged).toContain('"thread_id"');
  } finally {
    await c.close();
    await raw.close();
  }
});
