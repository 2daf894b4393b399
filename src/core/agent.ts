// What the agent-agnostic core needs to know about an agent: its steps, its tools, its policies.
import type { StepUsage, ToolError } from './events.js';
import type { CallId, ThreadId } from './ids.js';
import type { Json, JsonObject } from './json.js';
import type { RenderOptions } from './render.js';
import type { ThreadState } from './state.js';
import type { HumanIntents, Thread } from './thread.js';

/** One validated next step: the model's output with `intent` split from its arguments. */
export interface Step {
  intent: string;
  args: JsonObject;
}

export type StepParse = { ok: true; step: Step } | { ok: false; reason: string };

export interface ToolContext {
  threadId: ThreadId;
  callId: CallId;
  /** Stable across re-runs of the same decided step: adapters use it so a retry never duplicates work. */
  idempotencyKey: string;
  signal: AbortSignal;
}

export interface Tool {
  /** Changes something outside the thread (create, update, comment). */
  mutates: boolean;
  /** Receives arguments that already passed the agent's validation. Throws on failure; `toToolError` maps it. */
  run(args: JsonObject, context: ToolContext): Promise<Json>;
}

export interface ApprovalNeed {
  policy: string;
  /** The exact operation, in words the approver can check. */
  summary: string;
}

export interface AgentDefinition {
  name: string;
  humanIntents: HumanIntents;
  /** Validates whatever the model produced into a step (zod at the agent's edge). */
  parseStep(value: unknown): StepParse;
  tools: Readonly<Record<string, Tool>>;
  /** Policy in code: whether this step must wait for a human's approval. The model cannot skip it. */
  approvalFor(step: Step, thread: Thread, state: ThreadState): ApprovalNeed | undefined;
  toToolError(error: unknown): ToolError;
  /** Steps decided by code before the model's first step (factor 13: pre-fetch what the model will need). */
  prefetch?(thread: Thread): Step[];
  render?: RenderOptions;
}

export type ModelOutcome =
  | { kind: 'step'; value: unknown; usage: StepUsage }
  /** The model answered with something that is not a step; `reason` is the parser's short explanation. */
  | { kind: 'invalid'; reason: string; usage: StepUsage }
  /** The model could not be reached (after the boundary's own bounded retries). */
  | { kind: 'unavailable'; reason: string; retryable: boolean };

/** The LLM boundary as the core sees it: the rendered thread in, one outcome out. Never throws. */
export type StepModel = (context: string, signal: AbortSignal) => Promise<ModelOutcome>;
