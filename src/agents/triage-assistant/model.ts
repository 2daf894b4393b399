// The Triage Assistant's model: its own BAML function behind the generic LLM boundary.
import { b } from '../../../baml_client/index.js';
import type { StepModel } from '../../core/agent.js';
import type { LlmConfig } from '../../llm/config.js';
import { createStepModel } from '../../llm/step-model.js';

export function triageAssistantModel(config: LlmConfig): StepModel {
  return createStepModel({ config, call: (thread, o) => b.DetermineTriageStep(thread, o) });
}

/** BAML's parser alone, on a reply recorded earlier: what the offline eval runs a case's recorded output through. */
export const parseRecordedTriageReply = (raw: string): unknown => b.parse.DetermineTriageStep(raw);
