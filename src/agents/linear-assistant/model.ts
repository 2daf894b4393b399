// The Linear Assistant's model: its BAML function behind the generic LLM boundary.
import { b } from '../../../baml_client/index.js';
import type { StepModel } from '../../core/agent.js';
import type { LlmConfig } from '../../llm/config.js';
import { createStepModel, type StepModelOptions } from '../../llm/step-model.js';
import { explainInvalid } from './steps.js';

export function linearAssistantModel(config: LlmConfig, options: Omit<StepModelOptions, 'config' | 'call' | 'callWithBreakpoints'> = {}): StepModel {
  return createStepModel({
    explainInvalid,
    ...options,
    config,
    call: (thread, o) => b.DetermineNextStep(thread, o),
    callWithBreakpoints: (parts, o) => b.DetermineNextStepCached(parts, o),
  });
}

/** BAML's parser alone, on a reply recorded earlier: what the offline eval runs a case's recorded output through. */
export const parseRecordedReply = (raw: string): unknown => b.parse.DetermineNextStep(raw);
