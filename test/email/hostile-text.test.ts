// Mail with a NUL or a lone surrogate in it is stored like any other, on both backends (#9.4a).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { createHarness } from './support/harness.js';
import { trustedPass } from './support/mail.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { emailOf } from '../../src/channels/email/email-received.js';

/** Raw bytes as a broken or hostile client sends them: a NUL in the subject, the body and the Message-ID. */
function mailWithNul(messageId: string, inReplyTo?: string): Buffer {
  const lines = [
    `Authentication-Results: ${trustedPass()[1]}`,
    'From: Alice Example <alice@example.com>',
    'To: Linear Assistant <assistant@hardway.test>',
    'Subject: Printer\u0000 jam',
    'Date: Mon, 03 Mar 2025 10:58:00 +0000',
    `Message-ID: ${messageId}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The printer on 3 is jammed\u0000 again.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function describeHostileMail(backend: string, open: () => Promise<ThreadStore>): void {
  it(`#9.4a: an email with NUL in subject, body and Message-ID starts a thread, and its reply resumes it (${backend})`, async () => {
    const store = await open();
    try {
      const h = createHarness({ store });
      const first = '<nul\u0000id@example.com>';
      const started = await h.intake.receive({ raw: mailWithNul(first), source: 'test' });
      if (started.kind !== 'started') throw new Error(`expected a new thread, got ${JSON.stringify(started)}`);
      const event = (await store.load(started.threadId))?.events[0];
      expect(event?.type === 'message_received' ? emailOf(event.data) : undefined).toMatchObject({ subject: 'Printer\u0000 jam', body: 'The printer on 3 is jammed\u0000 again.', messageId: first });
      expect(await h.intake.receive({ raw: mailWithNul(first), source: 'test' })).toEqual({ kind: 'duplicate' });
      const reply = await h.intake.receive({ raw: mailWithNul('<reply\u0000@example.com>', first), source: 'test' });
      expect(reply).toEqual({ kind: 'resumed', threadId: started.threadId, event: 'human_replied' });
    } finally {
      await store.close();
    }
  });
}

describe('hostile text in mail (#9.4a)', () => {
  describeHostileMail('sqlite', async () => openStore({ databaseUrl: ':memory:', humanIntents: linearIntentsForEveryAgent }));

  describe.skipIf(!postgresAvailable())('PostgreSQL', () => {
    let server: TestPostgres | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });
    describeHostileMail('postgres', async () => {
      if (server === undefined) throw new Error('PostgreSQL did not start');
      return openStore({ databaseUrl: await server.createDatabase(), humanIntents: linearIntentsForEveryAgent });
    });
  });
});
