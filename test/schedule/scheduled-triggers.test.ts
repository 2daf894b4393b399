// Scheduled triggers through the real program: containers on one PostgreSQL ("processes"), the schedule channel's
// background source on an injected clock and sleep. A tick is one thread however many processes fire it; a tick
// missed while every process was down runs once on start and never again; one older than maxCatchUpHours is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import { createScheduleChannel } from '../../src/channels/schedule/module.js';
import { SCHEDULE_CHANNEL } from '../../src/channels/schedule/scheduler.js';
import { stubModelEnv } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { testWorkspace } from '../support/workspace.js';
import { manualTime, until, type ManualTime } from './manual-time.js';

const digest = {
  name: 'weekly-ops-digest',
  cron: '0 9 * * MON',
  timezone: 'Europe/Berlin',
  agent: 'linear-assistant',
  message: 'Summarize what changed in OPS this week and email it to ops@example.com',
  maxCatchUpHours: 24,
};
// Monday 7 December 2026, 09:00 in Berlin (CET, UTC+1).
const TICK = '2026-12-07T08:00:00.000Z';

interface LogLine {
  msg: string;
  schedule?: string;
  tick?: string;
  outcome?: string;
}

interface Process {
  container: Container;
  logs: LogLine[];
}

const pgUp = postgresAvailable();
let pg: TestPostgres;
let llm: StubLlm;

beforeAll(async () => {
  llm = await startStubLlm();
  if (pgUp) pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await llm.close();
  if (pgUp) await pg.stop();
});

/** One "process": its own container and pool on the shared database, the shared time; its schedules started. */
async function startProcess(databaseUrl: string, time: ManualTime, schedules: unknown[] = [digest]): Promise<Process> {
  const logs: LogLine[] = [];
  const config = readConfig({ DATABASE_URL: databaseUrl, ...stubModelEnv(llm), PREFETCH_TTL_MS: '0', SCHEDULES: JSON.stringify(schedules) });
  const container = await createContainer(config, {
    linear: await testWorkspace(),
    clock: time.clock,
    channels: [createScheduleChannel({ sleep: time.sleep })],
    logDestination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  for (const source of container.sources) source.start();
  return { container, logs };
}

const ticks = (p: Process): LogLine[] => p.logs.filter((l) => l.msg === 'schedule tick');

async function scheduledThreads(c: Container) {
  const { threads } = await c.store.list({ limit: 100 });
  return Promise.all(threads.map(async (t) => (await c.store.load(t.id))!));
}

describe.skipIf(!pgUp)('scheduled triggers on one PostgreSQL', () => {
  it('two processes firing the same tick start exactly one thread, whose delivery id is the schedule and the tick', async () => {
    const url = await pg.createDatabase();
    const time = manualTime(new Date('2026-12-07T07:59:00.000Z'));
    const a = await startProcess(url, time);
    const b = await startProcess(url, time);
    try {
      await until(() => time.sleepers === 2, 'both schedulers to wait for the tick');
      expect(await scheduledThreads(a.container)).toEqual([]);

      time.set(new Date(TICK));
      await until(() => ticks(a).length === 1 && ticks(b).length === 1, 'both processes to fire the tick');
      expect([...ticks(a), ...ticks(b)].map((l) => l.outcome).toSorted()).toEqual(['duplicate', 'started']);

      const threads = await scheduledThreads(a.container);
      expect(threads).toHaveLength(1);
      const thread = threads[0]!;
      expect(thread.agent).toBe('linear-assistant');
      expect(thread.events[0]).toMatchObject({ type: 'message_received', data: { channel: SCHEDULE_CHANNEL, from: digest.name, text: digest.message } });
      expect(await b.container.store.findDelivery({ source: SCHEDULE_CHANNEL, id: `weekly-ops-digest@${TICK}` })).toBe(thread.id);
    } finally {
      await a.container.close();
      await b.container.close();
    }
    // Closing stopped the schedulers: nothing is left waiting on the clock.
    expect(time.sleepers).toBe(0);
  });

  it('a tick missed while every process was down runs once on start, and a second start does not run it again', async () => {
    const url = await pg.createDatabase();
    const time = manualTime(new Date('2026-12-07T10:00:00.000Z'));
    const first = await startProcess(url, time);
    try {
      await until(() => ticks(first).length === 1 && time.sleepers === 1, 'the missed tick to run on start');
      expect(ticks(first)).toMatchObject([{ tick: TICK, outcome: 'started' }]);
    } finally {
      await first.container.close();
    }

    time.set(new Date('2026-12-07T11:00:00.000Z'));
    const second = await startProcess(url, time);
    try {
      await until(() => ticks(second).length === 1 && time.sleepers === 1, 'the restarted process to look at the missed tick');
      expect(ticks(second)).toMatchObject([{ tick: TICK, outcome: 'duplicate' }]);
      expect(await scheduledThreads(second.container)).toHaveLength(1);
    } finally {
      await second.container.close();
    }
  });

  it('only the latest of several missed ticks runs on start', async () => {
    const url = await pg.createDatabase();
    const time = manualTime(new Date('2026-12-07T10:30:00.000Z'));
    const p = await startProcess(url, time, [{ ...digest, name: 'hourly', cron: '0 * * * *', timezone: 'UTC', maxCatchUpHours: 5 }]);
    try {
      await until(() => ticks(p).length === 1 && time.sleepers === 1, 'the catch-up');
      expect(ticks(p)).toMatchObject([{ tick: '2026-12-07T10:00:00.000Z', outcome: 'started' }]);
      expect(await scheduledThreads(p.container)).toHaveLength(1);
    } finally {
      await p.container.close();
    }
  });

  it('a missed tick older than maxCatchUpHours is skipped, and the next tick still runs', async () => {
    const url = await pg.createDatabase();
    // 25 hours after the tick, with 24 allowed.
    const time = manualTime(new Date('2026-12-08T09:00:00.000Z'));
    const p = await startProcess(url, time);
    try {
      await until(() => time.sleepers === 1, 'the scheduler to wait for the next tick');
      expect(p.logs.filter((l) => l.msg === 'missed schedule tick is too old to run')).toMatchObject([{ schedule: digest.name, tick: TICK }]);
      expect(ticks(p)).toEqual([]);
      expect(await scheduledThreads(p.container)).toEqual([]);

      // The wait is slept in pieces; stepping the clock to the next Monday 09:00 wakes it whichever piece it is in.
      const next = '2026-12-14T08:00:00.000Z';
      await until(() => {
        time.set(new Date(next));
        return ticks(p).length === 1;
      }, 'the next tick');
      expect(ticks(p)).toMatchObject([{ tick: next, outcome: 'started' }]);
    } finally {
      await p.container.close();
    }
  });
});

describe('a scheduled thread', () => {
  it('runs like any thread: the model of the agent reads the message of the schedule and its tools act', async () => {
    llm.reset();
    const time = manualTime(new Date('2026-12-07T09:00:00.000Z'));
    const p = await startProcess(':memory:', time);
    try {
      await until(() => ticks(p).length === 1, 'the catch-up tick');
      llm.script({ intent: 'list_teams' }, { intent: 'done_for_now', message: 'Digest sent.' });
      await p.container.worker.drain();
      const [thread] = await scheduledThreads(p.container);
      expect(thread?.events.map((e) => e.type)).toEqual(['message_received', 'step_decided', 'tool_succeeded', 'step_decided']);
      expect(llm.requests[0]?.prompt).toContain(digest.message);
      expect((await p.container.store.list({ status: 'done', limit: 10 })).threads.map((t) => t.id)).toEqual([thread?.id]);
    } finally {
      await p.container.close();
    }
  });
  it('a question it asks is owed to nobody: a tick is no person, so nothing is routed to the schedule', async () => {
    llm.reset();
    const time = manualTime(new Date('2026-12-07T09:00:00.000Z'));
    const p = await startProcess(':memory:', time);
    try {
      await until(() => ticks(p).length === 1, 'the catch-up tick');
      llm.script({ intent: 'request_more_information', message: 'Which team is OPS?' });
      await p.container.worker.drain();
      await p.container.worker.sweepNotifications();
      const [thread] = await scheduledThreads(p.container);
      expect(thread?.events.map((e) => e.type)).toEqual(['message_received', 'step_decided']);
      expect((await p.container.store.list({ status: 'awaiting_human', limit: 10 })).threads.map((t) => t.id)).toEqual([thread?.id]);
      expect(p.logs.filter((l) => l.msg.includes('which is not turned on here'))).toEqual([]);
    } finally {
      await p.container.close();
    }
  });
});

describe('SCHEDULES is checked at startup', () => {
  const start = async (schedules: string) =>
    createContainer(readConfig({ DATABASE_URL: ':memory:', ...stubModelEnv(llm), SCHEDULES: schedules }), {
      linear: await testWorkspace(),
      channels: [createScheduleChannel()],
    });

  it.each([
    ['a bad cron expression', JSON.stringify([{ ...digest, cron: '0 9 * * FUNDAY' }]), 'invalid SCHEDULES:\n✖ invalid cron "0 9 * * FUNDAY": Validation error, cannot resolve alias "fun"\n  → at [0].cron'],
    ['an unknown time zone', JSON.stringify([{ ...digest, timezone: 'Europe/Atlantis' }]), 'invalid SCHEDULES:\n✖ unknown time zone "Europe/Atlantis"\n  → at [0].timezone'],
    ['an unknown agent', JSON.stringify([{ ...digest, agent: 'nobody' }]), 'invalid SCHEDULES: schedule "weekly-ops-digest" (at 0) names unknown agent "nobody" (known: linear-assistant, triage-assistant)'],
    ['a missing message', JSON.stringify([{ ...digest, message: undefined }]), 'invalid SCHEDULES:\n✖ Invalid input: expected string, received undefined\n  → at [0].message'],
    ['two schedules with one name', JSON.stringify([digest, digest]), 'invalid SCHEDULES:\n✖ two schedules are named "weekly-ops-digest"\n  → at [1].name'],
    ['an unknown key', JSON.stringify([{ ...digest, maxCatchupHours: 3 }]), 'invalid SCHEDULES:\n✖ Unrecognized key: "maxCatchupHours"\n  → at [0]'],
    ['an object, not a list', JSON.stringify(digest), 'invalid SCHEDULES:\n✖ Invalid input: expected array, received object'],
  ])('%s stops the start with exactly that problem', async (_, schedules, problem) => {
    await expect(start(schedules)).rejects.toMatchObject({ code: 'invalid_input', message: problem });
  });

  it('SCHEDULES that is not JSON stops the start', async () => {
    await expect(start('[{')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^SCHEDULES is not JSON: /) });
  });
});
