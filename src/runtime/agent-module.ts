// The agent contract: what the runtime runs for an agent (its definition and the model that takes its steps), and
// what an agent module contributes to the composition root, which lists every agent once (src/app/agents.ts).
import type { AgentDefinition, StepModel } from '../core/agent.js';

export interface RegisteredAgent {
  definition: AgentDefinition;
  model: StepModel;
}

/**
 * One agent, as the composition root builds it. `Context` is what the module needs from the process (settings,
 * adapters, clock); it names only what it reads, so the root's context fits every module without naming any.
 */
export interface AgentModule<Context> {
  /** The name threads are started with and stored under. */
  readonly name: string;
  definition(context: Context): AgentDefinition;
  model(context: Context): StepModel;
}

/** A model that cannot run: every thread fails with the exact settings to add, instead of hanging. */
export function unconfiguredModel(problem: string): StepModel {
  return async () => ({ kind: 'unavailable', reason: problem, retryable: false });
}
