// When a schedule's ticks fall: the cron arithmetic, in the schedule's time zone, on instants given to it (no clock).
import { CronExpressionParser } from 'cron-parser';

/** The latest tick at or before `at`, or undefined when the expression has none (it always has, in practice). */
export function tickAtOrBefore(cron: string, timezone: string, at: Date): Date | undefined {
  // cron-parser's prev() is strictly before its current date, so one millisecond on makes it "at or before".
  const ticks = CronExpressionParser.parse(cron, { currentDate: new Date(at.getTime() + 1), tz: timezone });
  return ticks.hasPrev() ? ticks.prev().toDate() : undefined;
}

/** The first tick strictly after `after`. */
export function tickAfter(cron: string, timezone: string, after: Date): Date | undefined {
  const ticks = CronExpressionParser.parse(cron, { currentDate: after, tz: timezone });
  return ticks.hasNext() ? ticks.next().toDate() : undefined;
}
