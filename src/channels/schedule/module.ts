// Scheduled triggers as a channel module, on when SCHEDULES is set: no routes and no notifier, one background source
// that starts a thread per tick. Invalid SCHEDULES stop the start. Answers go out through the agent's own tools.
import type { ChannelModule, OpenedChannel } from '../../runtime/channel-module.js';
import { readSchedules } from './schedules.js';
import { createScheduler, realSleep, SCHEDULE_CHANNEL, type Sleep } from './scheduler.js';

export function createScheduleChannel(options: { sleep: Sleep } = { sleep: realSleep }): ChannelModule {
  return {
    name: SCHEDULE_CHANNEL,
    // A tick is nobody's words: what a scheduled thread owes a person goes where a person last wrote, if anyone did.
    answersPeople: false,
    open(deps): OpenedChannel | undefined {
      const schedules = readSchedules(deps.env.SCHEDULES, deps.agents ?? [deps.agent]);
      if (schedules.length === 0) return undefined;
      const scheduler = createScheduler({ schedules, intake: deps.intake, clock: deps.clock, sleep: options.sleep, logger: deps.logger.child({ channel: SCHEDULE_CHANNEL }) });
      return { mounts: {}, approvers: {}, sources: [scheduler] };
    },
  };
}

export const scheduleChannel = createScheduleChannel();
