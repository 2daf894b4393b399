// What the agent-agnostic core needs to know about an agent: its steps, its tools, its policies.
import type { EventOf, StepUsage, ToolError } from './events.js';
import type { CallId, ThreadId } from './ids.js';
import type { Json, JsonObject } from './json.js';
import type { RenderOptions } from './render.js';
import type { ThreadState } from './state.js';
import type { HumanIntents, Thread } from './thread.js';

/**
 * One validated next step: the model's output with `intent` split from its arguments. An agent's own step union
 * narrows both; the core, which runs any agent, sees this erased form.
 */
export interface Step {
  intent: string;
  args: JsonObject;
}

export type StepParse<S extends Step = Step> = { ok: true; step: S } | { ok: false; reason: string };

/** The arguments of the step of `S` with intent `I`. */
export type ArgsOf<S extends Step, I extends S['intent']> = Extract<S, { intent: I }>['args'];

export interface ToolContext {
  threadId: ThreadId;
  callId: CallId;
  /** Stable across re-runs of the same decided step: adapters use it so a retry never duplicates work. */
  idempotencyKey: string;
  signal: AbortSignal;
}

export interface Tool<A = JsonObject> {
  /** Changes something outside the thread (create, update, comment). */
  mutates: boolean;
  /**
   * Receives its step's arguments, already validated by the agent's `parseStep` (stored ones again after a
   * reload). Throws on failure; `toToolError` maps it.
   */
  run(args: A, context: ToolContext): Promise<Json>;
}

/** A tool for each intent of `S` that is one: each receives its own step's arguments. */
export type ToolsOf<S extends Step> = { readonly [I in S['intent']]?: Tool<ArgsOf<S, I>> };

export interface ApprovalNeed {
  policy: string;
  /** The exact operation, in words the approver can check. */
  summary: string;
}

/**
 * An agent over its step union `S`. The decider and the loop run any agent through the erased
 * `AgentDefinition` (methods keep a typed definition assignable to it); an agent's own code sees `S`.
 */
export interface AgentDefinition<S extends Step = Step> {
  name: string;
  /** Which of its intents hand the thread to a human; nothing else in the core knows an agent's intents. */
  humanIntents: HumanIntents;
  /**
   * Validates whatever the model produced, `{ intent, ...args }`, into a step (zod at the agent's edge). Stored
   * arguments pass here again before a tool re-runs them, so a tool only ever sees validated arguments.
   */
  parseStep(value: unknown): StepParse<S>;
  tools: ToolsOf<S>;
  /** Policy in code: whether this step must wait for a human's approval. The model cannot skip it. */
  approvalFor(step: S, thread: Thread, state: ThreadState): ApprovalNeed | undefined;
  toToolError(error: unknown): ToolError;
  /** Steps decided by code before the model's first step (factor 13: pre-fetch what the model will need). */
  prefetch?(thread: Thread): S[];
  render?: RenderOptions;
  /**
   * The one line an old result collapses to when the context outgrows its budget: it must say how to fetch the
   * result again. `decided` is the step that produced it. Without this hook the core names the call generically.
   */
  collapsedResult?(result: EventOf<'tool_succeeded'>, decided: EventOf<'step_decided'> | undefined): string;
}

/** The exact request body a step sent (its hash is `usage.promptSha256`): the runtime stores it beside the step. */
export interface SentRequest {
  body: string;
}

/** What the reply said about itself, when the provider said it: for traces, not recorded in the thread. */
export interface ModelReply {
  responseModel?: string;
  finishReasons?: string[];
}

export type ModelOutcome =
  | { kind: 'step'; value: unknown; usage: StepUsage; sent?: SentRequest; reply?: ModelReply }
  /** The model answered with something that is not a step; `reason` is the parser's short explanation. */
  | { kind: 'invalid'; reason: string; usage: StepUsage; sent?: SentRequest; reply?: ModelReply }
  /** The model could not be reached (after the boundary's own bounded retries). */
  | { kind: 'unavailable'; reason: string; retryable: boolean };

/** The LLM boundary as the core sees it: the rendered thread in, one outcome out. Never throws. */
export type StepModel = (context: string, signal: AbortSignal) => Promise<ModelOutcome>;
