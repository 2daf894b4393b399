// The routing rule, given events: the contact is where the person last wrote; each notification goes there unless
// the approvals policy sends approval requests to the approvals channel; a decision does not move the conversation.
import { describe, expect, it } from 'vitest';
import type { EventDataByType, EventType } from '../../src/core/events.js';
import type { EventId } from '../../src/core/ids.js';
import { routedTo, routeOf, type RoutePolicy } from '../../src/core/route.js';
import { foldState, type ThreadState } from '../../src/core/state.js';
import { call, decided, email, ev, thread } from './fixtures.js';
import { defaultHumanIntents } from './scan-oracle.js';

type Init = { type: EventType; data: EventDataByType[EventType] };

const given = (...inits: Init[]): ThreadState => foldState(thread(...inits).events, defaultHumanIntents);

const start = ev('message_received', email('make an issue'));
const question = ev('step_decided', decided(1, 'request_more_information', { message: 'Which team?' }));
/** The question (the thread's second event) delivered by email. */
const asked = ev('message_sent', { channel: 'email', to: ['user@example.com'], inResponseTo: 'evt_g2' as EventId });
const bySms = ev('human_replied', { channel: 'sms', from: '+15551230000', message: 'Ops', messageId: 'SM1' });
const bySlack = ev('human_replied', { channel: 'slack', from: 'U0ALICE', message: 'Ops', messageId: 'D0A:2.0', thread: 'D0A:1.0' });
const create = ev('step_decided', decided(2, 'create_issue', { title: 't' }));
const requested = ev('approval_requested', { callId: call(2), intent: 'create_issue', summary: 'create t', policy: 'p' });
const grantedInSlack = ev('approval_granted', { callId: call(2), by: 'U0BOSS', channel: 'slack' });
const done = ev('step_decided', decided(3, 'done_for_now', { message: 'Filed.' }));

const everyChannel: RoutePolicy = { channels: ['email', 'slack', 'sms'] };
const approvalsInSlack: RoutePolicy = { ...everyChannel, approvalsChannel: 'slack' };

/** Each pending notification's intent or type → the channel it is routed to. */
function routes(state: ThreadState, policy: RoutePolicy): string[] {
  return state.pendingNotifications.map((e) => `${e.type} → ${routeOf(state, e, policy)?.channel ?? 'nowhere'}`);
}

describe('routing: where the human last spoke', () => {
  it('a thread started by email answers by email, with the sender as contact', () => {
    const s = given(start, question);
    expect(s.contact).toMatchObject({ channel: 'email', from: 'user@example.com' });
    expect(routes(s, everyChannel)).toEqual(['step_decided → email']);
  });

  it('a reply by SMS moves the conversation: what is owed afterwards goes by SMS, to that number', () => {
    const s = given(start, question, asked, bySms, create, requested);
    expect(routes(s, everyChannel)).toEqual(['approval_requested → sms']);
    const [only] = routedTo(s, 'sms', everyChannel);
    expect(only?.route).toMatchObject({ kind: 'contact', contact: { channel: 'sms', from: '+15551230000' } });
    expect(routedTo(s, 'email', everyChannel)).toEqual([]);
  });

  it('a Slack reply keeps the Slack thread it was written in', () => {
    expect(given(start, question, bySlack).contact).toMatchObject({ channel: 'slack', messageId: 'D0A:2.0', thread: 'D0A:1.0' });
  });

  it('with APPROVALS_CHANNEL, approval requests go to the approvals channel and answers still go to the contact', () => {
    const s = given(start, question, asked, bySms, create, requested);
    expect(routes(s, approvalsInSlack)).toEqual(['approval_requested → slack']);
    expect(routedTo(s, 'slack', approvalsInSlack)[0]?.route).toEqual({ kind: 'approvals', channel: 'slack' });
    expect(routes(given(start, question, asked, bySms, create, requested, grantedInSlack, done), approvalsInSlack)).toEqual(['approval_requested → slack', 'step_decided → sms']);
  });

  it('a decision made on the approvals channel records its channel but does not move the conversation', () => {
    const s = given(start, question, asked, bySms, create, requested, grantedInSlack, done);
    expect(s.lastHumanInput).toMatchObject({ channel: 'slack', from: 'U0BOSS' });
    expect(s.contact).toMatchObject({ channel: 'sms', from: '+15551230000' });
  });

  it('words that came by the API or the CLI do not take the conversation off a channel that answers people', () => {
    const byApi = ev('human_replied', { channel: 'api', message: 'Ops' });
    const s = given(start, question, byApi, done);
    expect(s.contact?.channel).toBe('api');
    expect(routes(s, everyChannel)).toEqual(['step_decided → email', 'step_decided → email']);
  });

  it('a thread nobody wrote to on a channel has nowhere to route, and a stored decision without a channel still folds', () => {
    const api = ev('message_received', { channel: 'api', text: 'hi' });
    expect(routes(given(api, question), everyChannel)).toEqual(['step_decided → nowhere']);
    const old = given(start, create, requested, ev('approval_granted', { callId: call(2), by: 'user@example.com', messageId: '<a@x>' }));
    expect(old.approvals.get(call(2))?.status).toBe('granted');
    expect(old.contact?.channel).toBe('email');
    expect(old.lastHumanInput).not.toHaveProperty('channel');
  });
});
