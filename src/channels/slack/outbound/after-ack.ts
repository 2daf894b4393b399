// Work a request starts but need not finish before Slack gets its ack (updating the clicked message): each task is
// kept until it settles, failures are logged, and stop() waits for what is still running so nothing is cut off.
import type { BackgroundSource } from '../../../runtime/channel-module.js';
import type { Logger } from '../../../support/logger.js';

export interface AfterAck extends BackgroundSource {
  run(label: string, task: () => Promise<void>): void;
  /** Resolves when every task started so far has settled (tests wait on this instead of on time). */
  settled(): Promise<void>;
}

export function createAfterAck(logger: Pick<Logger, 'warn'>): AfterAck {
  const running = new Set<Promise<void>>();
  const settled = async (): Promise<void> => {
    while (running.size > 0) await Promise.all([...running]);
  };
  return {
    run(label, task) {
      const p: Promise<void> = task()
        .catch((error: unknown) => logger.warn({ task: label, error: error instanceof Error ? error.message : String(error) }, 'slack follow-up failed'))
        .finally(() => running.delete(p));
      running.add(p);
    },
    settled,
    start() {},
    stop: settled,
  };
}
