// What a thread's events add up to, folded one event at a time (factor 12): the one place state is derived.
//
// `evolve(state, event)` looks only at the state and the new event, never back at earlier events, so keeping a
// thread's state costs the same per event however long the thread is. States are immutable: a collection that
// can grow with the thread is a persistent stack (shared on push); the copied ones are bounded by what is open
// (calls, approvals, undelivered notifications) or by the guard window since the last human input.
import { humanInputTypes, type EventOf, type EventType, type NewEvent, type ThreadEvent } from './events.js';
import type { CallId } from './ids.js';
import { canonicalJson, type JsonObject } from './json.js';
import { push, type Stack } from './stack.js';
import type { DerivedStatus, HumanIntents } from './thread.js';

export type ApprovalStatus = 'not_requested' | 'pending' | 'granted' | 'denied';

export interface CallApproval {
  status: Exclude<ApprovalStatus, 'not_requested'>;
  /** The newest request for the call. */
  request: EventOf<'approval_requested'>;
}

/** A decided tool step without an outcome yet, and what a human said about it since. */
export interface OpenCall {
  decided: EventOf<'step_decided'>;
  /** Its approval was requested after it was decided: free-text feedback from now on drops the step. */
  requested: boolean;
  /** Granted after that request: nothing said later drops it. */
  granted: boolean;
  /** The guard window it was decided in (see `GuardWindow.id`). */
  window: number;
}

/** The counters guards read, for the events since the last human input. */
export interface GuardWindow {
  /** Changes on every human input: a call decided in an older window is outside this one. */
  id: number;
  /** Model steps (decided or rejected). */
  modelSteps: number;
  /** Failures in a row: tool errors, rejected steps, unreachable models. */
  consecutiveErrors: number;
  /** `callKey`s of the calls that failed. */
  failedKeys: ReadonlySet<string>;
  /** `callKey` of each successful call the model chose → position of its newest success. */
  succeededAt: ReadonlyMap<string, number>;
  /** Intent → position of its newest success, whoever chose it: the last write is the newest of a mutating intent. */
  lastSuccessOf: ReadonlyMap<string, number>;
}

/** A person's input and, where its event names them, the channel it came by and who sent it. */
export interface HumanInput {
  event: ThreadEvent;
  channel?: string;
  from?: string;
}

/** A channel's id of a message in the conversation, in or out: what a channel threads its replies on. */
export interface MessageRef {
  direction: 'in' | 'out';
  /** The channel that carried it, where the event names one. */
  channel?: string;
  messageId: string;
}

/**
 * Where the conversation is: the newest message a person wrote to the thread (not a decision, which may come from
 * an approvals channel and leaves the conversation where it was). Answers go here unless a policy says otherwise.
 */
export interface Contact {
  channel: string;
  from?: string;
  messageId?: string;
  /** The channel's conversation the message was posted in, where it is not the message itself. */
  thread?: string;
  event: EventOf<'message_received' | 'human_replied'>;
}

export interface ThreadState {
  lastSeq: number;
  /** Events folded so far: positions in the guard window are counted in these. */
  length: number;
  status: DerivedStatus;
  /**
   * The status as of the newest event that is not a reply: replies that came since the thread paused answer the
   * same question, so this is what a further reply answers.
   */
  askedStatus: DerivedStatus;
  /** The type of the newest event that is not a delivery record (`message_sent`). */
  lastFact: EventType | undefined;
  /** The thread's first event: for a thread a channel started, that channel's inbound message. */
  firstEvent: ThreadEvent | undefined;
  /** The newest input a person brought (see `humanInputTypes`): where the next word to them should go. */
  lastHumanInput: HumanInput | undefined;
  /** Where the person last wrote. */
  contact: Contact | undefined;
  /** The newest contact on each channel, newest first (bounded by the channels): `route.ts` picks from these. */
  contacts: readonly Contact[];
  lastDecision: EventOf<'step_decided'> | undefined;
  /** Whether any step was decided yet: prefetch runs only before the first. */
  anyDecided: boolean;
  /** Decided tool steps still without an outcome, in the order decided; the first is `pendingCall`. */
  openCalls: readonly OpenCall[];
  /** The first decided tool step with no outcome, not denied and not superseded by feedback: it runs next. */
  pendingCall: EventOf<'step_decided'> | undefined;
  /** Every call an approval was ever requested for. */
  approvals: ReadonlyMap<CallId, CallApproval>;
  /** The newest approval request still undecided. */
  pendingApproval: EventOf<'approval_requested'> | undefined;
  guards: GuardWindow;
  /** Events a human must be told (questions, answers, approval requests, escalations, failures) not yet delivered. */
  pendingNotifications: readonly ThreadEvent[];
  /** Channel message ids of the conversation after its first event, newest first. */
  messages: Stack<MessageRef>;
  /** The newest message id a person's input carried (a reply or a decision sent as a message). */
  lastInboundMessageId: string | undefined;
  /** What tools returned, newest first. */
  toolResults: Stack<EventOf<'tool_succeeded'>>;
}

export type Evolve = (state: ThreadState, event: ThreadEvent) => ThreadState;

/** The identity of a call: its intent and its arguments, key order aside. */
export function callKey(call: { intent: string; args: JsonObject }): string {
  return `${call.intent} ${canonicalJson(call.args)}`;
}

const emptyWindow = (id: number): GuardWindow => ({
  id,
  modelSteps: 0,
  consecutiveErrors: 0,
  failedKeys: new Set(),
  succeededAt: new Map(),
  lastSuccessOf: new Map(),
});

export function initialState(): ThreadState {
  return {
    lastSeq: 0,
    length: 0,
    status: 'ready',
    askedStatus: 'ready',
    lastFact: undefined,
    firstEvent: undefined,
    lastHumanInput: undefined,
    contact: undefined,
    contacts: [],
    lastDecision: undefined,
    anyDecided: false,
    openCalls: [],
    pendingCall: undefined,
    approvals: new Map(),
    pendingApproval: undefined,
    guards: emptyWindow(0),
    pendingNotifications: [],
    messages: undefined,
    lastInboundMessageId: undefined,
    toolResults: undefined,
  };
}

interface Intents {
  ask: ReadonlySet<string>;
  done: ReadonlySet<string>;
}

const intentSets = (humanIntents: HumanIntents): Intents => ({ ask: new Set(humanIntents.ask), done: new Set(humanIntents.done) });

/**
 * Status after one more event. Events that only record delivery (`message_sent`) leave it unchanged; anything
 * that brings new information from outside or a tool outcome makes the thread ready for its next step.
 */
// Takes events before the store numbers them too: a store folds its cached status with the events it is appending.
function nextStatus(status: DerivedStatus, e: NewEvent, intents: Intents): DerivedStatus {
  switch (e.type) {
    case 'message_received':
    case 'human_replied':
    case 'step_rejected':
    case 'approval_granted':
    case 'approval_denied':
    case 'retry_requested':
      return 'ready';
    // A tool that finishes after a person stopped the thread records its outcome without starting it again.
    case 'tool_succeeded':
    case 'tool_failed':
      return status === 'done' ? 'done' : 'ready';
    case 'model_failed':
      return e.data.retryable ? 'ready' : 'failed';
    case 'step_decided':
      if (intents.done.has(e.data.intent)) return 'done';
      if (intents.ask.has(e.data.intent)) return 'awaiting_human';
      return 'ready';
    case 'approval_requested':
      return 'awaiting_approval';
    case 'escalated':
      return 'awaiting_human';
    case 'thread_failed':
      return 'failed';
    case 'thread_stopped':
      return 'done';
    // Bookkeeping of the context, not news: the thread is as ready as it was.
    case 'message_sent':
    case 'context_compacted':
      return status;
    default: {
      const unreachable: never = e;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The status after `events`, starting from `prev`: a store updates its cached status from new events only. */
export function statusAfter(prev: DerivedStatus, events: readonly NewEvent[], humanIntents: HumanIntents): DerivedStatus {
  const intents = intentSets(humanIntents);
  let status = prev;
  for (const e of events) status = nextStatus(status, e, intents);
  return status;
}

function isNotification(e: ThreadEvent, intents: Intents): boolean {
  switch (e.type) {
    case 'step_decided':
      return intents.ask.has(e.data.intent) || intents.done.has(e.data.intent);
    case 'approval_requested':
    case 'escalated':
    case 'thread_failed':
    case 'thread_stopped':
      return true;
    case 'message_received':
    case 'tool_succeeded':
    case 'tool_failed':
    case 'step_rejected':
    case 'model_failed':
    case 'approval_granted':
    case 'approval_denied':
    case 'human_replied':
    case 'message_sent':
    case 'retry_requested':
    case 'context_compacted':
      return false;
    default: {
      const unreachable: never = e;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Who spoke, by the generic fields the human-input events carry. */
function humanInputOf(e: ThreadEvent): HumanInput | undefined {
  switch (e.type) {
    case 'message_received':
    case 'human_replied':
      return { event: e, channel: e.data.channel, ...(e.data.from === undefined ? {} : { from: e.data.from }) };
    case 'retry_requested':
    case 'thread_stopped':
      return { event: e, channel: e.data.channel, from: e.data.by };
    case 'approval_granted':
    case 'approval_denied':
      return { event: e, from: e.data.by, ...(e.data.channel === undefined ? {} : { channel: e.data.channel }) };
    case 'step_decided':
    case 'tool_succeeded':
    case 'tool_failed':
    case 'step_rejected':
    case 'model_failed':
    case 'approval_requested':
    case 'message_sent':
    case 'escalated':
    case 'thread_failed':
    case 'context_compacted':
      return undefined;
    default: {
      const unreachable: never = e;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The conversation's new place when a person wrote (an empty message id is none). */
function contactOf(e: ThreadEvent): Contact | undefined {
  if (e.type !== 'message_received' && e.type !== 'human_replied') return undefined;
  const { channel, from, messageId } = e.data;
  const thread = e.type === 'human_replied' ? e.data.thread : undefined;
  return { channel, event: e, ...(from === undefined ? {} : { from }), ...(messageId ? { messageId } : {}), ...(thread ? { thread } : {}) };
}

function withOpenCalls(openCalls: readonly OpenCall[]): Partial<ThreadState> {
  return { openCalls, pendingCall: openCalls[0]?.decided };
}

/** The newest request among the calls still pending: recomputed only when a decision closes the current one. */
function newestPending(approvals: ReadonlyMap<CallId, CallApproval>): EventOf<'approval_requested'> | undefined {
  let newest: EventOf<'approval_requested'> | undefined;
  for (const a of approvals.values()) {
    if (a.status === 'pending' && (newest === undefined || a.request.seq > newest.seq)) newest = a.request;
  }
  return newest;
}

/** Records a decision on the named call, or on every pending call when the decision names none. */
function decideApprovals(
  approvals: ReadonlyMap<CallId, CallApproval>,
  callId: CallId | undefined,
  status: 'granted' | 'denied',
): ReadonlyMap<CallId, CallApproval> {
  if (callId !== undefined) {
    const current = approvals.get(callId);
    if (current?.status !== 'pending') return approvals;
    return new Map(approvals).set(callId, { ...current, status });
  }
  if (![...approvals.values()].some((a) => a.status === 'pending')) return approvals;
  return new Map([...approvals].map(([id, a]) => [id, a.status === 'pending' ? { ...a, status } : a]));
}

function decisionOf(state: ThreadState, e: EventOf<'approval_granted' | 'approval_denied'>): Partial<ThreadState> {
  const approvals = decideApprovals(state.approvals, e.data.callId, e.type === 'approval_granted' ? 'granted' : 'denied');
  if (approvals === state.approvals) return {};
  const current = state.pendingApproval;
  const stillPending = current !== undefined && approvals.get(current.data.callId)?.status === 'pending';
  return { approvals, pendingApproval: stillPending ? current : newestPending(approvals) };
}

/** What the guards count, after one more event inside the window. */
function windowAfter(state: ThreadState, e: ThreadEvent): GuardWindow {
  const w = state.guards;
  switch (e.type) {
    case 'step_decided':
      return e.data.origin === 'model' ? { ...w, modelSteps: w.modelSteps + 1 } : w;
    case 'step_rejected':
      return { ...w, modelSteps: w.modelSteps + 1, consecutiveErrors: w.consecutiveErrors + 1 };
    case 'model_failed':
      return { ...w, consecutiveErrors: w.consecutiveErrors + 1 };
    case 'tool_failed': {
      const decided = openInWindow(state, e.data.callId);
      const key = decided === undefined ? undefined : callKey(decided.data);
      const failedKeys = key === undefined || w.failedKeys.has(key) ? w.failedKeys : new Set(w.failedKeys).add(key);
      return { ...w, consecutiveErrors: w.consecutiveErrors + 1, failedKeys };
    }
    case 'tool_succeeded': {
      const decided = openInWindow(state, e.data.callId);
      if (decided === undefined) return { ...w, consecutiveErrors: 0 };
      const at = state.length;
      // Prefetched context was not the model's choice: asking for it once more is not a loop.
      const succeededAt = decided.data.origin === 'model' ? new Map(w.succeededAt).set(callKey(decided.data), at) : w.succeededAt;
      return { ...w, consecutiveErrors: 0, succeededAt, lastSuccessOf: new Map(w.lastSuccessOf).set(decided.data.intent, at) };
    }
    case 'message_received':
    case 'approval_requested':
    case 'approval_granted':
    case 'approval_denied':
    case 'human_replied':
    case 'message_sent':
    case 'escalated':
    case 'thread_failed':
    case 'retry_requested':
    case 'thread_stopped':
    case 'context_compacted':
      return w;
    default: {
      const unreachable: never = e;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The decision of an open call decided since the last human input. */
function openInWindow(state: ThreadState, callId: CallId): EventOf<'step_decided'> | undefined {
  const open = state.openCalls.find((c) => c.decided.data.callId === callId);
  return open !== undefined && open.window === state.guards.id ? open.decided : undefined;
}

/** What one event changes beyond status, the guard window and the bookkeeping every event gets. */
function changesOf(state: ThreadState, e: ThreadEvent, intents: Intents): Partial<ThreadState> {
  switch (e.type) {
    case 'step_decided': {
      const human = intents.ask.has(e.data.intent) || intents.done.has(e.data.intent);
      const base = { lastDecision: e, anyDecided: true };
      if (human) return base;
      return { ...base, ...withOpenCalls([...state.openCalls, { decided: e, requested: false, granted: false, window: state.guards.id }]) };
    }
    case 'tool_succeeded':
      return { ...closeCall(state, e.data.callId), toolResults: push(state.toolResults, e) };
    case 'tool_failed':
      return closeCall(state, e.data.callId);
    case 'approval_requested': {
      const callId = e.data.callId;
      const approvals = new Map(state.approvals).set(callId, { status: 'pending', request: e });
      const openCalls = state.openCalls.some((c) => c.decided.data.callId === callId && !c.granted)
        ? state.openCalls.map((c) => (c.decided.data.callId === callId && !c.granted ? { ...c, requested: true } : c))
        : state.openCalls;
      return { approvals, pendingApproval: e, ...withOpenCalls(openCalls) };
    }
    case 'approval_granted': {
      const callId = e.data.callId;
      const openCalls =
        callId !== undefined && state.openCalls.some((c) => c.decided.data.callId === callId && c.requested && !c.granted)
          ? state.openCalls.map((c) => (c.decided.data.callId === callId && c.requested ? { ...c, granted: true } : c))
          : state.openCalls;
      return { ...decisionOf(state, e), ...withOpenCalls(openCalls) };
    }
    case 'approval_denied':
      return { ...decisionOf(state, e), ...(e.data.callId === undefined ? {} : closeCall(state, e.data.callId)) };
    case 'human_replied': {
      // Free text while a call's approval is pending is feedback: the step is dropped and the model revises it.
      const openCalls = state.openCalls.some((c) => c.requested && !c.granted)
        ? state.openCalls.filter((c) => !(c.requested && !c.granted))
        : state.openCalls;
      return withOpenCalls(openCalls);
    }
    case 'message_sent': {
      const delivered = e.data.inResponseTo;
      const pendingNotifications = state.pendingNotifications.some((n) => n.id === delivered)
        ? state.pendingNotifications.filter((n) => n.id !== delivered)
        : state.pendingNotifications;
      return { pendingNotifications };
    }
    case 'message_received':
    case 'step_rejected':
    case 'model_failed':
    case 'escalated':
    case 'thread_failed':
    case 'retry_requested':
    case 'thread_stopped':
    case 'context_compacted':
      return {};
    default: {
      const unreachable: never = e;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

function closeCall(state: ThreadState, callId: CallId): Partial<ThreadState> {
  if (!state.openCalls.some((c) => c.decided.data.callId === callId)) return {};
  return withOpenCalls(state.openCalls.filter((c) => c.decided.data.callId !== callId));
}

/** The message id an event carries, for the channels that thread on them; an empty id is none. */
function messageRefOf(e: ThreadEvent): MessageRef | undefined {
  switch (e.type) {
    case 'human_replied':
      return e.data.messageId ? { direction: 'in', channel: e.data.channel, messageId: e.data.messageId } : undefined;
    case 'approval_granted':
    case 'approval_denied':
      return e.data.messageId ? { direction: 'in', messageId: e.data.messageId, ...(e.data.channel === undefined ? {} : { channel: e.data.channel }) } : undefined;
    case 'message_sent':
      return e.data.messageId ? { direction: 'out', channel: e.data.channel, messageId: e.data.messageId } : undefined;
    case 'message_received':
    case 'step_decided':
    case 'tool_succeeded':
    case 'tool_failed':
    case 'step_rejected':
    case 'model_failed':
    case 'approval_requested':
    case 'escalated':
    case 'thread_failed':
    case 'retry_requested':
    case 'thread_stopped':
    case 'context_compacted':
      return undefined;
    default: {
      const unreachable: never = e;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The evolve function for an agent: which of its intents ask a human or finish decides status, pending calls and
 * notifications, so it is part of how the state is built, never a global default.
 */
export function createEvolve(humanIntents: HumanIntents): Evolve {
  const intents = intentSets(humanIntents);
  return (state, e) => {
    const human = humanInputTypes.has(e.type);
    const input = human ? humanInputOf(e) : undefined;
    const changes = changesOf(state, e, intents);
    const message = messageRefOf(e);
    const contact = contactOf(e);
    const status = nextStatus(state.status, e, intents);
    const next: ThreadState = {
      ...state,
      ...changes,
      lastSeq: e.seq,
      length: state.length + 1,
      status,
      askedStatus: e.type === 'human_replied' ? state.askedStatus : status,
      ...(e.type === 'message_sent' ? {} : { lastFact: e.type }),
      ...(state.firstEvent === undefined ? { firstEvent: e } : {}),
      ...(input === undefined ? {} : { lastHumanInput: input }),
      ...(contact === undefined ? {} : { contact, contacts: [contact, ...state.contacts.filter((c) => c.channel !== contact.channel)] }),
      ...(message === undefined ? {} : { messages: push(state.messages, message) }),
      ...(message?.direction === 'in' ? { lastInboundMessageId: message.messageId } : {}),
      // A human's input opens a new window; the counters inside it read the calls as they were before this event.
      guards: human ? emptyWindow(state.guards.id + 1) : windowAfter(state, e),
      ...(isNotification(e, intents) ? { pendingNotifications: [...(changes.pendingNotifications ?? state.pendingNotifications), e] } : {}),
    };
    return next;
  };
}

/** Folds events into a state, from the start or from a state already held. */
export function foldState(
  events: readonly ThreadEvent[],
  humanIntents: HumanIntents,
  from: ThreadState = initialState(),
): ThreadState {
  const evolve = createEvolve(humanIntents);
  let state = from;
  for (const e of events) state = evolve(state, e);
  return state;
}

export function approvalOf(state: Pick<ThreadState, 'approvals'>, callId: CallId): ApprovalStatus {
  return state.approvals.get(callId)?.status ?? 'not_requested';
}

/**
 * Whether a human may ask the thread to try again: it failed, or a guard escalated it and nobody has answered
 * since. A thread waiting for an answer to its own question or an approval wants that answer, not a retry.
 */
export function retryAllowed(state: Pick<ThreadState, 'status' | 'lastFact'>): boolean {
  return state.status === 'failed' || (state.status === 'awaiting_human' && state.lastFact === 'escalated');
}
