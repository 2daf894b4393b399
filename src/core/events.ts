// The thread's events: past-tense facts, a union discriminated on `type`, each with its own typed data.
import type { CallId, EventId } from './ids.js';
import type { Json, JsonObject } from './json.js';

/** A file that came with a message: never its bytes, but the words of a text file (cut to a bound by the channel). */
export interface AttachmentMeta {
  filename: string;
  contentType: string;
  size: number;
  text?: string;
}

/**
 * A message that reached the agent from outside, by any channel. What only one channel has (its headers, the
 * conversation it quoted) is in `meta`, which that channel writes, reads back and renders.
 */
export interface MessageReceived {
  channel: string;
  /** Who sent it, as the channel identifies people (an address, a user id). */
  from?: string;
  /** What the person wrote now: quoted replies and signatures stripped by the channel that can. */
  text: string;
  /** The channel's id of the message, for threading answers under it. */
  messageId?: string;
  attachments?: AttachmentMeta[];
  meta?: JsonObject;
  /**
   * Set on the opening of a replay's fork only: the thread and seq whose events it copied. Never rendered, so the
   * fork's context is the original's, byte for byte, up to that seq.
   */
  forkedFrom?: { threadId: string; seq: number };
}

/** What the model cost and returned for one step. */
export interface StepUsage {
  model: string;
  /** Every prompt token, read from the provider's cache or not. */
  inputTokens: number | null;
  outputTokens: number | null;
  /** Prompt tokens read from the provider's cache; null when it did not say. Absent from events recorded before. */
  cachedInputTokens?: number | null;
  /** Prompt tokens written to the provider's cache (Anthropic reports them; OpenAI does not). */
  cacheWriteTokens?: number | null;
  /** USD, from the price table in the model settings; null when the model has no price. */
  costUsd?: number | null;
  latencyMs: number;
  raw: string;
  /** sha256 (hex) of the exact request body sent; the body itself is stored apart from the events. */
  promptSha256?: string;
}

export interface StepDecided {
  callId: CallId;
  intent: string;
  /** The step as the model produced it, validated, without `intent`. */
  args: JsonObject;
  idempotencyKey: string;
  /** `prefetch` steps are decided by code before the model's first step (factor 13), not by the model. */
  origin: 'model' | 'prefetch';
  usage?: StepUsage;
}

export interface ToolSucceeded {
  callId: CallId;
  intent: string;
  result: Json;
}

export interface ToolError {
  /** Short machine-readable kind, e.g. `invalid_input`, `not_found`, `rate_limited`, `timeout`. */
  kind: string;
  message: string;
  retryable: boolean;
}

export interface ToolFailed {
  callId: CallId;
  intent: string;
  error: ToolError;
}

/** The model answered, but with nothing that validates as a step. */
export interface StepRejected {
  reason: string;
  raw: string;
  usage?: StepUsage;
}

/** The model could not be reached after bounded retries. */
export interface ModelFailed {
  reason: string;
  retryable: boolean;
}

export interface ApprovalRequested {
  callId: CallId;
  intent: string;
  /** The exact operation, spelled out for the approver. */
  summary: string;
  policy: string;
}

export interface ApprovalGranted {
  callId?: CallId;
  by: string;
  comment?: string;
  /** The channel's id of the message that carried the decision, for threading answers. */
  messageId?: string;
  /** The channel the decision came by; absent from decisions recorded before channels were recorded. */
  channel?: string;
}

export interface ApprovalDenied {
  callId?: CallId;
  by: string;
  reason?: string;
  messageId?: string;
  /** As in `ApprovalGranted`. */
  channel?: string;
}

export interface HumanReplied {
  from?: string;
  channel: string;
  message: string;
  messageId?: string;
  /**
   * The channel's conversation the reply was posted in, when that is not the message itself (the root of a
   * channel's own thread): where an answer to it goes.
   */
  thread?: string;
  /** Files sent with the reply, as a channel that carries them reports them. */
  attachments?: AttachmentMeta[];
}

export interface MessageSent {
  channel: string;
  to: string[];
  /** The step or escalation this message delivered. */
  inResponseTo: EventId;
  messageId?: string;
}

export interface Escalated {
  guard: string;
  reason: string;
  /** The step the model wanted to take when a guard stopped it; it was not run. */
  proposed?: { intent: string; args: JsonObject };
}

export interface ThreadFailed {
  reason: string;
}

/** A human asked a failed or escalated thread to try again: it resumes from its events. */
export interface RetryRequested {
  by: string;
  channel: string;
}

/** A person told the thread to stop: it runs no further step until someone writes to it again. */
export interface ThreadStopped {
  by: string;
  channel: string;
}

/** One old result that now stands in the context as a single line. */
export interface CollapsedResult {
  /** The seq of its `tool_succeeded` (or resolved `tool_failed`) event. */
  seq: number;
  /** What the context shows instead, naming how to fetch the result again. */
  line: string;
}

/**
 * The context grew past its budget, so code collapsed old resolved results (see `budget.ts`). The lines are
 * recorded, not recomputed, so the context renders from the log alone whatever the agent's code says later.
 */
export interface ContextCompacted {
  collapsed: CollapsedResult[];
  reason: string;
  budgetTokens: number;
  tokensBefore: number;
  tokensAfter: number;
}

export interface EventDataByType {
  message_received: MessageReceived;
  step_decided: StepDecided;
  tool_succeeded: ToolSucceeded;
  tool_failed: ToolFailed;
  step_rejected: StepRejected;
  model_failed: ModelFailed;
  approval_requested: ApprovalRequested;
  approval_granted: ApprovalGranted;
  approval_denied: ApprovalDenied;
  human_replied: HumanReplied;
  message_sent: MessageSent;
  escalated: Escalated;
  thread_failed: ThreadFailed;
  retry_requested: RetryRequested;
  thread_stopped: ThreadStopped;
  context_compacted: ContextCompacted;
}

export type EventType = keyof EventDataByType;

export const eventTypes = [
  'message_received',
  'step_decided',
  'tool_succeeded',
  'tool_failed',
  'step_rejected',
  'model_failed',
  'approval_requested',
  'approval_granted',
  'approval_denied',
  'human_replied',
  'message_sent',
  'escalated',
  'thread_failed',
  'retry_requested',
  'thread_stopped',
  'context_compacted',
] as const satisfies readonly EventType[];

export type ThreadEvent = {
  [T in EventType]: { id: EventId; seq: number; type: T; at: string; data: EventDataByType[T] };
}[EventType];

/** Events that carry a person's words or decision: guards count from the last one, the renderer collapses before it. */
export const humanInputTypes: ReadonlySet<EventType> = new Set<EventType>([
  'message_received',
  'human_replied',
  'approval_granted',
  'approval_denied',
  'retry_requested',
  'thread_stopped',
]);

export type EventOf<T extends EventType> = Extract<ThreadEvent, { type: T }>;

/** An event before the store gives it a sequence number. */
export type NewEvent = {
  [T in EventType]: { id: EventId; type: T; at: string; data: EventDataByType[T] };
}[EventType];

export function isEventType(value: string): value is EventType {
  return (eventTypes as readonly string[]).includes(value);
}
