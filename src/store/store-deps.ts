// What a store is given from outside: time and ids (injected so tests are deterministic) and each agent's intents.
import { randomIds, systemClock, type Clock, type IdSource } from '../core/ids.js';
import type { NewEvent } from '../core/events.js';
import { defaultHumanIntents, statusAfter, type DerivedStatus, type HumanIntents } from '../core/thread.js';

export interface StoreDeps {
  /** Timestamps and lease expiry. */
  clock?: Clock;
  /** Claim tokens: they must be unique across every process sharing the database (randomIds is). */
  ids?: IdSource;
  /**
   * The status cache is derived with the thread's agent's human intents; an agent that adds its own intents must
   * be named here or its threads are cached as `ready` while they wait for a human.
   */
  humanIntents?: (agent: string) => HumanIntents | undefined;
}

export interface ResolvedDeps {
  clock: Clock;
  ids: IdSource;
  /** The cached status once `events` follow a thread whose cached status was `prev` ('ready' for all events). */
  statusAfter(agent: string, prev: DerivedStatus, events: readonly NewEvent[]): DerivedStatus;
}

export function resolveDeps(deps: StoreDeps): ResolvedDeps {
  const intents = deps.humanIntents ?? (() => undefined);
  return {
    clock: deps.clock ?? systemClock,
    ids: deps.ids ?? randomIds,
    statusAfter: (agent, prev, events) => statusAfter(prev, events, intents(agent) ?? defaultHumanIntents),
  };
}
