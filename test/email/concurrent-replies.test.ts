// Many people replying at once (#9.10): every distinct reply is stored, on both backends, through two "processes".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailIntake } from '../../src/channels/email/inbound/intake.js';
import { INBOUND_SOURCE } from '../../src/channels/email/inbound/thread-mapping.js';
import { sequentialIds } from '../../src/core/ids.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { interleaving } from '../store/interleaving.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { createHarness, emailIntake, fixedClock, recordingLogger } from './support/harness.js';
import { rawMail, trustedPass } from './support/mail.js';
import { askQuestion } from './support/steps.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';

const REPLIES = 50;

/** Two stores on one database stand for two server processes; the test closes them. */
type OpenPair = () => Promise<[ThreadStore, ThreadStore]>;

function describeConcurrentReplies(backend: string, openPair: OpenPair): void {
  it(`#9.10: ${REPLIES} concurrent distinct email replies to one thread over two processes are all stored (${backend})`, async () => {
    const [a, b] = await openPair();
    try {
      const ids = sequentialIds();
      const h = createHarness({ store: a, ids });
      // The second process: its own store (connection pool), the same database, the same config.
      const other: EmailIntake = emailIntake({ store: b, config: h.config, ids, clock: fixedClock(), logger: recordingLogger() });
      const started = await h.intake.receive({
        raw: rawMail({ from: 'alice@example.com', cc: 'bob@example.com', headers: [trustedPass()], messageId: '<first@example.com>' }),
        source: 'test',
      });
      if (started.kind !== 'started') throw new Error(`expected a new thread, got ${JSON.stringify(started)}`);
      const threadId = started.threadId;
      await askQuestion(h, threadId, 'Which team: Platform or Billing?');
      const before = (await a.load(threadId))?.events.length ?? 0;

      const replies = Array.from({ length: REPLIES }, (_, i) =>
        rawMail({
          from: i % 2 === 0 ? 'alice@example.com' : 'bob@example.com',
          headers: [trustedPass()],
          messageId: `<reply-${i}@example.com>`,
          inReplyTo: '<first@example.com>',
          body: `Reply number ${i}`,
        }),
      );
      const outcomes = await Promise.all(replies.map((raw, i) => (i % 2 === 0 ? h.intake : other).receive({ raw, source: 'test' })));
      expect(outcomes).toEqual(replies.map(() => ({ kind: 'resumed', threadId, event: 'human_replied' })));

      const events = (await b.load(threadId))?.events ?? [];
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: before + REPLIES }, (_, i) => i + 1));
      const stored = events.slice(before).map((e) => (e.type === 'human_replied' ? e.data.message : e.type));
      expect(stored.toSorted()).toEqual(replies.map((_, i) => `Reply number ${i}`).toSorted());
      for (let i = 0; i < REPLIES; i++) {
        expect(await a.findDelivery({ source: INBOUND_SOURCE, id: `<reply-${i}@example.com>` })).toBe(threadId);
      }
      expect((await a.list({ id: threadId })).threads).toMatchObject([{ status: 'ready', lastSeq: before + REPLIES }]);

      // A redelivery, to either process, is still a no-op.
      expect(await other.receive({ raw: replies[7] ?? Buffer.alloc(0), source: 'test' })).toEqual({ kind: 'duplicate' });
      expect(await h.intake.receive({ raw: replies[8] ?? Buffer.alloc(0), source: 'test' })).toEqual({ kind: 'duplicate' });
      expect((await a.load(threadId))?.events).toHaveLength(before + REPLIES);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
}

describe('concurrent email replies (#9.10)', () => {
  describe('SQLite', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'hardway-replies-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    describeConcurrentReplies('sqlite', async () => {
      const path = join(dir, 'store.sqlite');
      return [interleaving(await openStore({ databaseUrl: path, humanIntents: linearIntentsForEveryAgent })), interleaving(await openStore({ databaseUrl: path, humanIntents: linearIntentsForEveryAgent }))];
    });
  });

  describe.skipIf(!postgresAvailable())('PostgreSQL', () => {
    let server: TestPostgres | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });
    describeConcurrentReplies('postgres', async () => {
      if (server === undefined) throw new Error('PostgreSQL did not start');
      const url = await server.createDatabase();
      return [await openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent }), await openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent })];
    });
  });
});
