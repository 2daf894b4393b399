// Stored events of a type no longer written, read as today's (event-sourcing upcasting): the log on disk stays as
// it was written, and every reader sees only current types. Whoever retired a type contributes its upcaster.
import type { EventDataByType, EventType } from './events.js';
import type { JsonObject } from './json.js';

export type UpcastEvent = { [T in EventType]: { type: T; data: EventDataByType[T] } }[EventType];

/** Throws when the stored data is not what the retired type held: a corrupt row should fail loudly. */
export type Upcaster = (data: JsonObject) => UpcastEvent;

/** By the retired type's name. */
export type Upcasters = Readonly<Record<string, Upcaster>>;

export function upcasterFor(upcasters: Upcasters | undefined, type: string): Upcaster | undefined {
  return upcasters !== undefined && Object.hasOwn(upcasters, type) ? upcasters[type] : undefined;
}
