// Who is who across channels: each person's identities (a channel and that channel's id of them), so what holds
// for a person — may approve, is this thread's contact — holds on every channel they use.
import type { MayApprove, Sender } from './human-input.js';
import type { Thread } from './thread.js';

export interface Identity {
  channel: string;
  id: string;
}

export interface Person {
  name: string;
  identities: readonly Identity[];
}

export interface People {
  /** The person one of whose identities this is; ids compare without case. */
  personOf(identity: Identity): Person | undefined;
  /** Every identity of the sender's person, or just the sender's own when they are nobody configured. */
  identitiesOf(identity: Identity): readonly Identity[];
}

const keyOf = (identity: Identity): string => `${identity.channel}\u0000${identity.id.trim().toLowerCase()}`;

/** Throws when two people share an identity: which of them sent a message would then be a guess. */
export function createPeople(persons: readonly Person[]): People {
  const byIdentity = new Map<string, Person>();
  for (const person of persons) {
    for (const identity of person.identities) {
      const owner = byIdentity.get(keyOf(identity));
      if (owner !== undefined && owner !== person) {
        throw new Error(`${identity.channel} id ${identity.id} belongs to both ${owner.name} and ${person.name}`);
      }
      byIdentity.set(keyOf(identity), person);
    }
  }
  const personOf = (identity: Identity): Person | undefined => byIdentity.get(keyOf(identity));
  return {
    personOf,
    identitiesOf: (identity) => personOf(identity)?.identities ?? [identity],
  };
}

export const nobody: People = createPeople([]);

export function sameIdentity(a: Identity, b: Identity): boolean {
  return keyOf(a) === keyOf(b);
}

/**
 * Each channel's approver rule, widened to people: a sender may approve when any identity of their person is an
 * approver by its own channel's rule. A channel's other proofs stay its own (a code it sent, say).
 */
export function approversAcross(approvers: Readonly<Record<string, MayApprove>>, people: People): Record<string, MayApprove> {
  const byPerson = (sender: Sender, thread: Thread): boolean => {
    if (sender.id === undefined) return false;
    return people.identitiesOf({ channel: sender.channel, id: sender.id }).some((identity) => {
      if (identity.channel === sender.channel) return false;
      return approvers[identity.channel]?.({ channel: identity.channel, id: identity.id }, thread) ?? false;
    });
  };
  return Object.fromEntries(
    Object.entries(approvers).map(([channel, own]) => [channel, (sender: Sender, thread: Thread) => own(sender, thread) || byPerson(sender, thread)]),
  );
}
