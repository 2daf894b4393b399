// One schedule's ticks while the process serves: each due tick starts a thread through the one intake, its delivery
// id `{name}@{tick ISO time}`, so however many processes fire the same tick the store keeps one thread.
import type { Clock } from '../../core/ids.js';
import type { ThreadIntake } from '../../runtime/intake.js';
import type { BackgroundSource } from '../../runtime/channel-module.js';
import type { Logger } from '../../support/logger.js';
import type { Schedule } from './schedules.js';
import { tickAfter, tickAtOrBefore } from './ticks.js';

export const SCHEDULE_CHANNEL = 'schedule';

/** Resolves after `ms`, or at once when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

// setTimeout fires at once past 2^31 ms, and the wall clock may jump: a long wait is slept in pieces and re-measured.
const MAX_SLEEP_MS = 60_000;
// A tick whose start failed (the database away) is tried again this often, for as long as it is the latest one due.
const RETRY_MS = 5_000;

export function deliveryId(schedule: Schedule, tick: Date): string {
  return `${schedule.name}@${tick.toISOString()}`;
}

export interface SchedulerOptions {
  schedules: readonly Schedule[];
  intake: ThreadIntake;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
}

/**
 * On start, a schedule's latest tick at or before now runs if it is at most `maxCatchUpMs` old (only the latest:
 * a digest missed three times is wanted once, not three times); older ones are skipped. The delivery id makes a
 * tick that already ran — in this process before a restart, or in another — a no-op. Then each tick runs as it
 * comes; a process that wakes late runs the latest tick due, not every one it slept through.
 */
export function createScheduler(options: SchedulerOptions): BackgroundSource {
  let controller: AbortController | undefined;
  let loops: Promise<void>[] = [];

  const fire = async (schedule: Schedule, tick: Date): Promise<boolean> => {
    const id = deliveryId(schedule, tick);
    try {
      const outcome = await options.intake.receive({
        kind: 'start',
        agent: schedule.agent,
        from: { channel: SCHEDULE_CHANNEL, id: schedule.name },
        opening: { kind: 'message', text: schedule.message },
        delivery: { source: SCHEDULE_CHANNEL, id },
      });
      options.logger.info({ schedule: schedule.name, tick: tick.toISOString(), outcome: outcome.kind, threadId: outcome.threadId }, 'schedule tick');
      return true;
    } catch (error) {
      options.logger.error({ err: error, schedule: schedule.name, tick: tick.toISOString() }, 'schedule tick failed; trying again');
      return false;
    }
  };

  const run = async (schedule: Schedule, signal: AbortSignal): Promise<void> => {
    const { cron, timezone } = schedule;
    const now = options.clock.now();
    const latest = tickAtOrBefore(cron, timezone, now);
    let cursor = latest ?? now;
    if (latest !== undefined) {
      if (now.getTime() - latest.getTime() <= schedule.maxCatchUpMs) {
        while (!signal.aborted && !(await fire(schedule, latest))) await options.sleep(RETRY_MS, signal);
      } else {
        options.logger.info({ schedule: schedule.name, tick: latest.toISOString(), maxCatchUpMs: schedule.maxCatchUpMs }, 'missed schedule tick is too old to run');
      }
    }
    while (!signal.aborted) {
      const next = tickAfter(cron, timezone, cursor);
      if (next === undefined) return;
      const wait = next.getTime() - options.clock.now().getTime();
      if (wait > 0) {
        await options.sleep(Math.min(wait, MAX_SLEEP_MS), signal);
        continue;
      }
      const due = tickAtOrBefore(cron, timezone, options.clock.now()) ?? next;
      if (await fire(schedule, due)) cursor = due;
      else await options.sleep(RETRY_MS, signal);
    }
  };

  return {
    start() {
      if (controller !== undefined) return;
      const current = new AbortController();
      controller = current;
      loops = options.schedules.map((schedule) =>
        run(schedule, current.signal).catch((error: unknown) => {
          options.logger.error({ err: error, schedule: schedule.name }, 'schedule stopped');
        }),
      );
    },
    async stop() {
      controller?.abort();
      await Promise.all(loops);
      controller = undefined;
      loops = [];
    },
  };
}
