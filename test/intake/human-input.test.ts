// What a person's input means, decided once in the core for every channel: given the events, when an input
// arrives from a sender, then these events (or a refusal).
import { describe, expect, it } from 'vitest';
import { decideHumanInput, type HumanInput, type MayApprove, type Sender } from '../../src/core/human-input.js';
import type { EventDataByType, EventType } from '../../src/core/events.js';
import { sequentialIds } from '../../src/core/ids.js';
import { call, decided, email, ev, T0, thread } from '../core/fixtures.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';

type Init = { type: EventType; data: EventDataByType[EventType] };

const onlyAlice: MayApprove = (sender) => sender.id === 'alice@example.com';
const alice: Sender = { channel: 'email', id: 'alice@example.com' };
const bob: Sender = { channel: 'email', id: 'bob@example.com' };

function given(...inits: Init[]) {
  const t = thread(...inits);
  const run = (from: Sender, input: HumanInput) =>
    decideHumanInput(t, { type: 'human_input', from, input, metadata: { messageId: '<m@x>' } }, {
      agent: { humanIntents: linearAssistantIntents },
      ids: sequentialIds(),
      clock: { now: () => new Date(T0) },
      mayApprove: onlyAlice,
    });
  return {
    when: (from: Sender, input: HumanInput) => ({
      then: (meaning: string, ...expected: Array<{ type: EventType; data: Record<string, unknown> }>) => {
        const decision = run(from, input);
        expect(decision.meaning).toBe(meaning);
        expect(decision.events.map((e) => ({ type: e.type, data: e.data }))).toEqual(expected);
        return decision;
      },
      thenThrows: (code: string) => expect(() => run(from, input)).toThrow(expect.objectContaining({ code })),
    }),
  };
}

const start = ev('message_received', email('make an issue'));
const pending = [start, ev('step_decided', decided(1, 'update_issue')), ev('approval_requested', { callId: call(1), intent: 'update_issue', summary: 's', policy: 'p' })];
const question = [start, ev('step_decided', decided(1, 'request_more_information', { message: 'Which team?' }))];
const approvalQuestion = [start, ev('step_decided', decided(1, 'request_approval', { message: 'May I?' }))];

describe('human input: decisions', () => {
  it('an approver\'s decision on the pending call records it, naming the call, and rests on the state read', () => {
    const d = given(...pending).when(alice, { kind: 'decision', approve: true, reason: 'go', text: 'approve\ngo' })
      .then('approved', { type: 'approval_granted', data: { callId: call(1), by: 'alice@example.com', channel: 'email', comment: 'go', messageId: '<m@x>' } });
    expect(d.readsState).toBe(true);
    given(...pending).when(alice, { kind: 'decision', approve: false, reason: 'wrong team' })
      .then('denied', { type: 'approval_denied', data: { callId: call(1), by: 'alice@example.com', channel: 'email', reason: 'wrong team', messageId: '<m@x>' } });
  });

  it('a non-approver\'s "approve" is recorded as their words, never as a decision', () => {
    given(...pending).when(bob, { kind: 'decision', approve: true, text: 'approve' })
      .then('not_an_approver', { type: 'human_replied', data: { from: 'bob@example.com', channel: 'email', message: 'approve', messageId: '<m@x>' } });
    // A button or a command has no words of its own: the decision is spelled out as an emailed one would be.
    given(...pending).when({ channel: 'email', id: 'bob@example.com' }, { kind: 'decision', approve: false, reason: 'no budget' })
      .then('not_an_approver', { type: 'human_replied', data: { from: 'bob@example.com', channel: 'email', message: 'deny: no budget', messageId: '<m@x>' } });
  });

  it('"approve" answering the agent\'s request_approval question is an approval (no call to name), for every channel', () => {
    given(...approvalQuestion).when(alice, { kind: 'decision', approve: true, text: 'approve' })
      .then('approved', { type: 'approval_granted', data: { by: 'alice@example.com', channel: 'email', messageId: '<m@x>' } });
    given(...approvalQuestion).when({ channel: 'api', id: 'alice@example.com' }, { kind: 'decision', approve: true })
      .then('approved', { type: 'approval_granted', data: { by: 'alice@example.com', channel: 'api', messageId: '<m@x>' } });
    given(...approvalQuestion).when(bob, { kind: 'decision', approve: true, text: 'yes' })
      .then('not_an_approver', { type: 'human_replied', data: { from: 'bob@example.com', channel: 'email', message: 'yes', messageId: '<m@x>' } });
  });

  it('with nothing to decide, a decision read from words is those words; a bare decision is refused', () => {
    given(...question).when(alice, { kind: 'decision', approve: true, text: 'yes' })
      .then('message', { type: 'human_replied', data: { from: 'alice@example.com', channel: 'email', message: 'yes', messageId: '<m@x>' } });
    given(...question).when({ channel: 'api' }, { kind: 'decision', approve: true }).thenThrows('invalid_state');
  });

  it('a decision for the call a link named is refused once another call is pending, or the request was answered', () => {
    given(...pending).when(alice, { kind: 'decision', approve: true, callId: call(9) }).thenThrows('invalid_state');
    given(...pending, ev('human_replied', { channel: 'email', message: 'wait' })).when(alice, { kind: 'decision', approve: true, callId: call(1) }).thenThrows('invalid_state');
    given(...pending, ev('approval_granted', { callId: call(1), by: 'x' })).when(alice, { kind: 'decision', approve: false, callId: call(1) }).thenThrows('invalid_state');
  });
});

describe('human input: words', () => {
  it('a message is never refused; it is feedback while an approval is pending, and lands anywhere', () => {
    const d = given(...pending).when(alice, { kind: 'message', text: 'put it in Billing' })
      .then('feedback', { type: 'human_replied', data: { from: 'alice@example.com', channel: 'email', message: 'put it in Billing', messageId: '<m@x>' } });
    expect(d.readsState).toBe(false);
    given(start).when(alice, { kind: 'message', text: 'also urgent' }).then('message', { type: 'human_replied', data: { from: 'alice@example.com', channel: 'email', message: 'also urgent', messageId: '<m@x>' } });
  });

  it('an answer is refused when no question was asked, and accepted after other answers to the same question', () => {
    given(...pending).when({ channel: 'api' }, { kind: 'answer', text: 'ok' }).thenThrows('invalid_state');
    given(start).when({ channel: 'api' }, { kind: 'answer', text: 'ok' }).thenThrows('invalid_state');
    given(...question, ev('human_replied', { channel: 'api', message: 'Ops' })).when({ channel: 'cli' }, { kind: 'answer', text: 'Operations' })
      .then('answer', { type: 'human_replied', data: { channel: 'cli', message: 'Operations', messageId: '<m@x>' } });
  });
});
