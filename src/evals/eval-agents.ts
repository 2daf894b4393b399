// The agents an eval runs, built from the same modules the service lists: each one's definition (its renderer and
// step parser, with every channel's rendering) and its step model for any model settings.
import type { AgentDefinition, StepModel } from '../core/agent.js';
import { HardwayError } from '../core/errors.js';
import type { Clock, IdSource } from '../core/ids.js';
import { bindOperations } from '../linear/linear-operations.js';
import type { LlmConfig } from '../llm/config.js';
import type { ChannelModule } from '../runtime/channel-module.js';
import type { AgentList } from '../app/agents.js';
import { withChannelRendering } from '../app/channel-events.js';
import type { AppConfig } from '../app/config.js';
import { agentEvals, type AgentEvals } from './agent-evals.js';

export interface EvalAgent {
  name: string;
  definition: AgentDefinition;
  /** The agent's own model (BAML, its step function) under these settings: the one way a step is asked for. */
  model(llm: LlmConfig): StepModel;
  evals: AgentEvals | undefined;
}

/** An eval decides steps and runs no tool: a tool reached would be a bug, said as such. */
const noLinear = bindOperations(() => async () => {
  throw new HardwayError('invalid_state', 'an eval runs no tools');
});

/** Nor does it read a stored thread. */
const noThreads = {
  load: async (): Promise<undefined> => {
    throw new HardwayError('invalid_state', 'an eval reads no stored thread');
  },
};

export function evalAgents(config: AppConfig, modules: AgentList, channels: readonly ChannelModule[], deps: { clock: Clock; ids: IdSource }): Map<string, EvalAgent> {
  const context = { config, linear: noLinear, threads: noThreads, ...deps };
  return new Map(
    modules.map((m) => [
      m.name,
      {
        name: m.name,
        definition: withChannelRendering(m.definition(context), channels),
        model: (llm: LlmConfig) => m.model({ ...context, config: { ...config, llm: { ok: true, config: llm } } }),
        evals: Object.hasOwn(agentEvals, m.name) ? agentEvals[m.name] : undefined,
      },
    ]),
  );
}
