// The notifications no running channel will deliver: routed to a channel that is not turned on in this process.
// Each is logged once and stays owed (a process with that channel on, or a restart with it configured, sends it).
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
}

export function createUnroutedNotifier(deps: UnroutedDeps): Notifier {
  const logged = new Set<string>();
  return {
    notify(thread: Thread) {
      const state = foldState(thread.events, deps.humanIntents(thread.agent) ?? noHumanIntents);
      for (const event of state.pendingNotifications) {
        const channel = routeOf(state, event, deps.routing)?.channel;
        if (channel === undefined || !deps.known.includes(channel) || deps.delivering.includes(channel) || logged.has(event.id)) continue;
        logged.add(event.id);
        deps.logger.warn({ threadId: thread.id, eventId: event.id, type: event.type, channel }, `notification routed to ${channel}, which is not turned on here: it stays owed`);
      }
      return Promise.resolve();
    },
  };
}
