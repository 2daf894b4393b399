// The tracing port: what the edges (intake, worker, model step, tool runner) report, in our own terms. The
// OpenTelemetry adapter (`otel.ts`) turns it into GenAI spans; with tracing off nothing implements it and nothing
// is called, so no SDK is loaded.
import type { ModelOutcome } from '../core/agent.js';
import type { Json } from '../core/json.js';

export interface Tracing {
  /** One input entering through the intake: a new thread or input to one. */
  intake(input: { kind: 'start' | 'input'; channel: string; threadId?: string }): IntakeSpan;
  /** One run of a thread on a worker, from claim to pause: every model step and tool call of the run is under it. */
  run(input: { threadId: string; agent: string }): RunSpan;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

export interface IntakeSpan {
  end(result: { outcome: string; threadId: string } | { error: unknown }): void;
}

export interface RunSpan {
  model(): ModelSpan;
  tool(input: { intent: string; callId: string; mutates: boolean; args: Json }): ToolSpan;
  end(result: { outcome: string } | { error: unknown }): void;
}

export interface ModelSpan {
  /** `prompt` is the rendered context: recorded only when content capture is on. */
  end(outcome: ModelOutcome, prompt: string): void;
}

export interface ToolSpan {
  end(result: { ok: true; result: Json } | { ok: false; error: unknown }): void;
}
