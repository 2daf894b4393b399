// What a person's input means for the thread it reaches — answer, approval, denial, feedback, retry — decided here
// once for every channel. A channel only turns what it received into a typed input and says who sent it.
//
// One rule, whichever channel carried it: an approver's decision on a pending approval, or on the agent's own
// yes-or-no question (an intent it lists in `humanIntents.approval`), records `approval_granted`/`approval_denied`; anyone else's "approve" is their words,
// recorded as feedback and never as consent; free text is `human_replied`, and its meaning comes from its place.
import type { AgentDefinition } from './agent.js';
import { HardwayError } from './errors.js';
import type { AttachmentMeta, EventDataByType, EventType, NewEvent } from './events.js';
import type { CallId, Clock, IdSource } from './ids.js';
import type { JsonObject } from './json.js';
import { foldState, retryAllowed, type ThreadState } from './state.js';
import type { HumanIntents, Thread } from './thread.js';

/** Who sent an input, as the channel that carried it established: `id` is an address or a name, when known. */
export interface Sender {
  channel: string;
  id?: string;
}

/** Whether this sender may decide this thread's approvals: supplied by the channel's or the agent's configuration. */
export type MayApprove = (sender: Sender, thread: Thread) => boolean;

export const anyoneMayApprove: MayApprove = () => true;

export type HumanInput =
  /** Words for the thread, whatever it is doing: never refused, they mean what their place in the log makes them mean. */
  | { kind: 'message'; text: string }
  /** Words meant as the answer to the thread's question: refused when it asked none (the sender can be told so). */
  | { kind: 'answer'; text: string }
  /**
   * Approve or deny. `callId`: the call whose request the sender was shown — the decision is then for that call
   * only. `text`: the words the decision was read from; when there is nothing to decide, they are recorded instead.
   */
  | { kind: 'decision'; approve: boolean; reason?: string; callId?: CallId; text?: string }
  | { kind: 'retry' }
  /** Stop working on this: the thread runs no further step until someone writes to it again. */
  | { kind: 'stop' };

/** What a channel knows about the message that carried an input. */
export interface InputMetadata {
  /** The channel's id of the message, so answers can be threaded under it. */
  messageId?: string;
  /** The conversation the message was posted in, where it is not the message itself (see `HumanReplied.thread`). */
  thread?: string;
  attachments?: AttachmentMeta[];
}

/** The first input of a new thread: `meta` is what the channel keeps of the message beyond its words (see `MessageReceived`). */
export interface Opening {
  kind: 'message';
  text: string;
  metadata?: InputMetadata;
  meta?: JsonObject;
}

export interface HumanInputCommand {
  type: 'human_input';
  from: Sender;
  input: HumanInput;
  metadata?: InputMetadata;
}

/** What the input was taken as: the channel tells the sender (or its log) from this. */
export type InputMeaning =
  | 'answer'
  | 'feedback'
  | 'message'
  | 'approved'
  | 'denied'
  /** A decision from someone who may not decide: recorded as their words. */
  | 'not_an_approver'
  | 'retry'
  | 'stopped';

export interface HumanInputContext {
  agent: Pick<AgentDefinition, 'humanIntents'>;
  ids: IdSource;
  clock: Clock;
  /** Defaults to anyone: a channel that can tell its senders apart supplies who may approve. */
  mayApprove?: MayApprove;
}

export interface HumanInputDecision {
  meaning: InputMeaning;
  events: NewEvent[];
  /** Whether the events rest on the state read (a decision on a call): then they must land right after it. */
  readsState: boolean;
}

type EventInit = { [T in EventType]: { type: T; data: EventDataByType[T] } }[EventType];

export function decideOpening(from: Sender, opening: Opening, ctx: Pick<HumanInputContext, 'ids' | 'clock'>): NewEvent {
  const { metadata, meta } = opening;
  const init: EventInit = {
    type: 'message_received',
    data: {
      channel: from.channel,
      ...(from.id !== undefined ? { from: from.id } : {}),
      text: opening.text,
      ...(metadata?.messageId !== undefined ? { messageId: metadata.messageId } : {}),
      ...(metadata?.attachments !== undefined ? { attachments: metadata.attachments } : {}),
      ...(meta !== undefined ? { meta } : {}),
    },
  };
  return stamp([init], ctx)[0] as NewEvent;
}

/**
 * Throws `invalid_state` when the thread is not waiting for an input of that kind from a channel that can say so.
 * Given a bare thread, its state is folded here; a caller holding the state passes it.
 */
export function decideHumanInput(
  on: Thread | { thread: Thread; state: ThreadState },
  command: HumanInputCommand,
  ctx: HumanInputContext,
): HumanInputDecision {
  const { from, input, metadata } = command;
  const thread = 'state' in on ? on.thread : on;
  const state = 'state' in on ? on.state : foldState(on.events, ctx.agent.humanIntents);
  const words = (text: string, meaning: InputMeaning): HumanInputDecision => ({
    meaning,
    events: stamp([reply(from, text, metadata)], ctx),
    readsState: false,
  });
  switch (input.kind) {
    case 'message': {
      const asked = state.askedStatus;
      return words(input.text, asked === 'awaiting_approval' ? 'feedback' : asked === 'awaiting_human' ? 'answer' : 'message');
    }
    case 'answer': {
      const asked = state.askedStatus;
      if (asked !== 'awaiting_human' && asked !== 'done') {
        throw new HardwayError('invalid_state', `thread ${thread.id} is ${asked}; it is not waiting for a response`);
      }
      return words(input.text, 'answer');
    }
    case 'decision': {
      const target = decisionTarget(state, ctx.agent.humanIntents);
      if (target === undefined || (input.callId !== undefined && target.callId !== input.callId)) {
        if (input.text !== undefined && input.callId === undefined) return words(input.text, 'message');
        throw new HardwayError('invalid_state', `thread ${thread.id} is ${state.status}, not awaiting an approval`);
      }
      if (!(ctx.mayApprove ?? anyoneMayApprove)(from, thread)) {
        // Their words still reach the model as feedback; they just do not count as a decision.
        return words(input.text ?? decisionWords(input.approve, input.reason), 'not_an_approver');
      }
      const base = { by: from.id ?? from.channel, channel: from.channel, ...(target.callId !== undefined ? { callId: target.callId } : {}) };
      const messageId = metadata?.messageId !== undefined ? { messageId: metadata.messageId } : {};
      const init: EventInit = input.approve
        ? { type: 'approval_granted', data: { ...base, ...(input.reason ? { comment: input.reason } : {}), ...messageId } }
        : { type: 'approval_denied', data: { ...base, ...(input.reason ? { reason: input.reason } : {}), ...messageId } };
      return { meaning: input.approve ? 'approved' : 'denied', events: stamp([init], ctx), readsState: true };
    }
    case 'retry': {
      if (!retryAllowed(state)) {
        throw new HardwayError('invalid_state', `thread ${thread.id} is ${state.status}; only a failed thread or one escalated to a human can be retried`);
      }
      const init: EventInit = { type: 'retry_requested', data: { by: from.id ?? from.channel, channel: from.channel } };
      return { meaning: 'retry', events: stamp([init], ctx), readsState: true };
    }
    case 'stop': {
      const init: EventInit = { type: 'thread_stopped', data: { by: from.id ?? from.channel, channel: from.channel } };
      return { meaning: 'stopped', events: stamp([init], ctx), readsState: false };
    }
    default: {
      const unreachable: never = input;
      throw new Error(`unknown human input ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * What a decision is about: the pending call, or the agent's question asking for a yes or no (no call), which is
 * the agent's own way of asking for one in words: its answer is a decision like any other.
 */
function decisionTarget(state: ThreadState, humanIntents: HumanIntents): { callId?: CallId } | undefined {
  if (state.status === 'awaiting_approval') {
    // Awaiting approval, the newest request is the one still pending.
    if (state.pendingApproval === undefined) throw new HardwayError('invalid_state', 'no approval request found');
    return { callId: state.pendingApproval.data.callId };
  }
  const asked = state.lastDecision?.data.intent;
  if (state.status === 'awaiting_human' && asked !== undefined && (humanIntents.approval ?? []).includes(asked)) return {};
  return undefined;
}

/** A decision someone may not make, in the words a written one would have used. */
function decisionWords(approve: boolean, reason: string | undefined): string {
  if (approve) return reason ? `approve\n${reason}` : 'approve';
  return reason ? `deny: ${reason}` : 'deny';
}

function reply(from: Sender, text: string, metadata: InputMetadata | undefined): EventInit {
  return {
    type: 'human_replied',
    data: {
      ...(from.id !== undefined ? { from: from.id } : {}),
      channel: from.channel,
      message: text,
      ...(metadata?.messageId !== undefined ? { messageId: metadata.messageId } : {}),
      ...(metadata?.thread !== undefined ? { thread: metadata.thread } : {}),
      ...(metadata?.attachments !== undefined && metadata.attachments.length > 0 ? { attachments: metadata.attachments } : {}),
    },
  };
}

function stamp(inits: EventInit[], ctx: Pick<HumanInputContext, 'ids' | 'clock'>): NewEvent[] {
  const at = ctx.clock.now().toISOString();
  return inits.map((init) => ({ ...init, id: ctx.ids.eventId(), at }) as NewEvent);
}
