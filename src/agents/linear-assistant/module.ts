// The Linear Assistant as a module: its definition and model, built from the settings and the Linear adapter the
// composition root hands every agent.
import type { Clock } from '../../core/ids.js';
import type { LinearPort } from '../../linear/linear-port.js';
import type { LlmConfigResult } from '../../llm/config.js';
import { unconfiguredModel, type AgentModule } from '../../runtime/agent-module.js';
import { createLinearAssistant, LINEAR_ASSISTANT } from './agent.js';
import { linearAssistantModel } from './model.js';
import type { ApprovalPolicy } from './policies.js';

/** What the assistant reads from the process it runs in. */
export interface LinearAssistantContext {
  linear: LinearPort;
  clock: Clock;
  config: { approvals: ApprovalPolicy; linear: { prefetchTtlMs: number }; llm: LlmConfigResult };
}

export const linearAssistant: AgentModule<LinearAssistantContext> = {
  name: LINEAR_ASSISTANT,
  definition: ({ linear, clock, config }) =>
    createLinearAssistant({ linear, policy: config.approvals, prefetchTtlMs: config.linear.prefetchTtlMs, clock }),
  model: ({ config }) => (config.llm.ok ? linearAssistantModel(config.llm.config) : unconfiguredModel(config.llm.problem)),
};
