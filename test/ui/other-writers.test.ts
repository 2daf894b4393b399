// The inspector's live updates hear other processes too: two stores on one database (two `hardway serve` on one
// PostgreSQL, or a `hardway run` next to a server on one SQLite file), one watching, the other writing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreadId } from '../../src/core/ids.js';
import { watchOtherWriters } from '../../src/server/ui/other-writers.js';
import { threadChanges } from '../../src/server/ui/thread-changes.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { silentLogger } from '../../src/support/logger.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { postgresAvailable } from '../support/postgres.js';
import { postgresForSuite } from '../support/postgres-suite.js';
import { until } from '../schedule/manual-time.js';

const message = (text: string) => ({ id: `evt_${text.replace(/\W/g, '')}_${Math.random().toString(36).slice(2)}` as never, at: new Date().toISOString(), type: 'message_received' as const, data: { channel: 'api', text } });

function describeOtherWriters(kind: string, database: () => Promise<string>): void {
  describe(`live updates from another process (${kind})`, () => {
    it('announces a thread another process created or appended to, not the ones that were there before', async () => {
      const url = await database();
      const open = () => openStore({ databaseUrl: url, humanIntents: linearIntentsForEveryAgent });
      const here = await open();
      const there = await open();
      await there.create({ id: 'thr_before' as ThreadId, agent: 'linear-assistant', events: [message('before')] });
      const changes = threadChanges();
      const heard: ThreadId[] = [];
      changes.subscribe((id) => heard.push(id), () => undefined);
      let looks = 0;
      const counted: Pick<ThreadStore, 'list'> = { list: (options) => (looks++, here.list(options)) };
      const watcher = watchOtherWriters(counted, changes, { intervalMs: 20, logger: silentLogger });
      watcher.start();
      try {
        await until(() => looks >= 2, 'two looks');
        expect(heard).toEqual([]);

        await there.create({ id: 'thr_new' as ThreadId, agent: 'linear-assistant', events: [message('new')] });
        await until(() => heard.includes('thr_new' as ThreadId), 'the new thread to be announced', 10_000);
        await there.append('thr_before' as ThreadId, [message('later')], { expectedSeq: 1 });
        await until(() => heard.includes('thr_before' as ThreadId), 'the appended thread to be announced', 10_000);
        // Each change once: a later look that finds nothing new announces nothing.
        const mark = looks;
        await until(() => looks >= mark + 3, 'three more looks');
        expect(heard).toEqual(['thr_new', 'thr_before']);
      } finally {
        await watcher.stop();
        changes.close();
        await here.close();
        await there.close();
      }
      // Stopped: nothing reads the store any more.
      const after = looks;
      await new Promise((r) => setTimeout(r, 60));
      expect(looks).toBe(after);
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hardway-other-writers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
describeOtherWriters('SQLite file', async () => join(dir, `store-${++files}.sqlite`));

describe.skipIf(!postgresAvailable())('on PostgreSQL', () => {
  const postgres = postgresForSuite();
  describeOtherWriters('PostgreSQL', () => postgres().createDatabase());
});
