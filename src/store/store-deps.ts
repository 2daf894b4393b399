// What a store is given from outside: time and ids (injected so tests are deterministic) and each agent's intents.
import { randomIds, systemClock, type Clock, type IdSource } from '../core/ids.js';
import type { NewEvent } from '../core/events.js';
import { noHumanIntents, statusAfter, type DerivedStatus, type HumanIntents } from '../core/thread.js';
import type { Upcasters } from '../core/upcast.js';

export interface StoreDeps {
  /** Timestamps and lease expiry. */
  clock?: Clock;
  /** Claim tokens: they must be unique across every process sharing the database (randomIds is). */
  ids?: IdSource;
  /**
   * The thread's agent's human intents (the agent registry's, from the composition root): the status cache is
   * derived with them. An agent this does not know is cached with `noHumanIntents`, as an agent that never hands
   * its thread to a human: its threads read `ready`/`done`/`failed`, never waiting for a human.
   */
  humanIntents: (agent: string) => HumanIntents | undefined;
  /** How rows of event types no longer written are read (the channels' and agents', from the composition root). */
  upcasters?: Upcasters;
}

export interface ResolvedDeps {
  clock: Clock;
  ids: IdSource;
  /** The cached status once `events` follow a thread whose cached status was `prev` ('ready' for all events). */
  statusAfter(agent: string, prev: DerivedStatus, events: readonly NewEvent[]): DerivedStatus;
  upcasters: Upcasters;
}

export function resolveDeps(deps: StoreDeps): ResolvedDeps {
  const intents = deps.humanIntents;
  return {
    clock: deps.clock ?? systemClock,
    ids: deps.ids ?? randomIds,
    statusAfter: (agent, prev, events) => statusAfter(prev, events, intents(agent) ?? noHumanIntents),
    upcasters: deps.upcasters ?? {},
  };
}
