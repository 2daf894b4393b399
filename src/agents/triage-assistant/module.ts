// The Triage Assistant as a module: its definition and model, from the Linear adapter, the thread reader its
// write check needs, and the settings the composition root hands every agent.
import type { LinearPort } from '../../linear/linear-port.js';
import type { LlmConfigResult } from '../../llm/config.js';
import { unconfiguredModel, type AgentModule } from '../../runtime/agent-module.js';
import { createTriageAssistant, TRIAGE_ASSISTANT } from './agent.js';
import type { ThreadReader } from './freshness.js';
import { triageAssistantModel } from './model.js';

export interface TriageAssistantContext {
  linear: LinearPort;
  threads: ThreadReader;
  config: { llm: LlmConfigResult; env: Record<string, string | undefined> };
}

export const triageAssistant: AgentModule<TriageAssistantContext> = {
  name: TRIAGE_ASSISTANT,
  definition: ({ linear, threads, config }) =>
    createTriageAssistant({ linear, threads, policy: { assign: config.env.TRIAGE_ASSIGN_NEEDS_APPROVAL !== 'false' } }),
  model: ({ config }) => (config.llm.ok ? triageAssistantModel(config.llm.config) : unconfiguredModel(config.llm.problem)),
};
