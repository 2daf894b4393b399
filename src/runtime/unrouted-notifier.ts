// The notifications no running channel will deliver: routed to a channel that is not turned on in this process.
// Each is logged once and stays owed (a process with that channel on, or a restart with it configured, sends it).
// "Once" is remembered for the newest `remember` notifications: a long-running process forgets the oldest, and
// logs one again only if it is still owed when its thread is next notified.
import { routeOf, type RoutePolicy } from '../core/route.js';
import { foldState } from '../core/state.js';
import { noHumanIntents, type HumanIntents, type Thread } from '../core/thread.js';
import type { Logger } from '../support/logger.js';
import type { Notifier } from './channel-module.js';

export interface UnroutedDeps {
  /** Channels this program has: a thread's own channel without a notifier (the API, the CLI) is read, not told. */
  known: readonly string[];
  /** Channels that deliver in this process. */
  delivering: readonly string[];
  routing: RoutePolicy;
  humanIntents: (agent: string) => HumanIntents | undefined;
  logger: Pick<Logger, 'warn'>;
  /** How many logged notification ids are kept (default 10,000). */
  remember?: number;
}

export function createUnroutedNotifier(deps: UnroutedDeps): Notifier {
  const logged = new Set<string>();
  const remember = Math.max(1, deps.remember ?? 10_000);
  return {
    notify(thread: Thread) {
      const state = foldState(thread.events, deps.humanIntents(thread.agent) ?? noHumanIntents);
      for (const event of state.pendingNotifications) {
        const channel = routeOf(state, event, deps.routing)?.channel;
        if (channel === undefined || !deps.known.includes(channel) || deps.delivering.includes(channel) || logged.has(event.id)) continue;
        logged.add(event.id);
        // A Set iterates in insertion order: the first is the oldest.
        if (logged.size > remember) logged.delete(logged.values().next().value ?? event.id);
        deps.logger.warn({ threadId: thread.id, eventId: event.id, type: event.type, channel }, `notification routed to ${channel}, which is not turned on here: it stays owed`);
      }
      return Promise.resolve();
    },
  };
}
