// Where each notification a thread owes goes: to the person where they last wrote (the state's `contact`), unless
// a policy sends it elsewhere. The one policy: approval requests to a configured approvals channel, where approvers
// are; the conversation's answers keep going to the contact, and a decision taken there does not move it.
import type { ThreadEvent } from './events.js';
import type { Contact, ThreadState } from './state.js';

export interface RoutePolicy {
  /** The channel approval requests go to instead of the contact, by its name. */
  approvalsChannel?: string;
  /**
   * The channels that answer people: words that came another way (the API, the CLI: an operator's) do not move
   * the conversation off them. Absent, every channel does.
   */
  channels?: readonly string[];
}

export type Route =
  /** To the person, at the place on `channel` they last wrote from. */
  | { kind: 'contact'; channel: string; contact: Contact }
  /** To the channel's approvals place (its own setting says where). */
  | { kind: 'approvals'; channel: string };

/** Undefined when nobody ever wrote to the thread (no contact) and no policy applies. */
export function routeOf(state: Pick<ThreadState, 'contacts'>, event: ThreadEvent, policy: RoutePolicy): Route | undefined {
  if (event.type === 'approval_requested' && policy.approvalsChannel !== undefined) {
    return { kind: 'approvals', channel: policy.approvalsChannel };
  }
  const contact = contactFor(state, policy);
  return contact === undefined ? undefined : { kind: 'contact', channel: contact.channel, contact };
}

/** The newest contact on a channel that answers people. */
export function contactFor(state: Pick<ThreadState, 'contacts'>, policy: Pick<RoutePolicy, 'channels'>): Contact | undefined {
  const { channels } = policy;
  return channels === undefined ? state.contacts[0] : state.contacts.find((c) => channels.includes(c.channel));
}

/** The pending notifications routed to one channel, each with its route, in the order owed. */
export function routedTo(
  state: Pick<ThreadState, 'contacts' | 'pendingNotifications'>,
  channel: string,
  policy: RoutePolicy,
): Array<{ event: ThreadEvent; route: Route }> {
  return state.pendingNotifications.flatMap((event) => {
    const route = routeOf(state, event, policy);
    return route?.channel === channel ? [{ event, route }] : [];
  });
}
