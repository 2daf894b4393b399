// The cron arithmetic in a schedule's time zone: "09:00 on Mondays in Berlin" follows Berlin's clocks across DST.
import { describe, expect, it } from 'vitest';
import { tickAfter, tickAtOrBefore } from '../../src/channels/schedule/ticks.js';

const cron = '0 9 * * MON';
const berlin = 'Europe/Berlin';

describe('schedule ticks', () => {
  it('a tick exactly at the given instant counts as at-or-before, and the next is strictly after it', () => {
    const tick = new Date('2026-12-07T08:00:00.000Z');
    expect(tickAtOrBefore(cron, berlin, tick)).toEqual(tick);
    expect(tickAtOrBefore(cron, berlin, new Date(tick.getTime() - 1))).toEqual(new Date('2026-11-30T08:00:00.000Z'));
    expect(tickAfter(cron, berlin, tick)).toEqual(new Date('2026-12-14T08:00:00.000Z'));
  });

  it('09:00 in Berlin is 07:00 UTC in summer and 08:00 UTC in winter', () => {
    expect(tickAfter(cron, berlin, new Date('2026-07-01T00:00:00.000Z'))).toEqual(new Date('2026-07-06T07:00:00.000Z'));
    expect(tickAfter(cron, berlin, new Date('2027-01-01T00:00:00.000Z'))).toEqual(new Date('2027-01-04T08:00:00.000Z'));
  });
});
