// What evals need of each agent beyond its module: BAML's parser for recorded replies, and the BAML function whose
// prompt tests (baml_src) are the agent's, with their assertions in TypeScript. One line per agent that has them.
import { LINEAR_ASSISTANT } from '../agents/linear-assistant/agent.js';
import { parseRecordedReply } from '../agents/linear-assistant/model.js';
import { linearAssistantCases, type PromptCase } from '../agents/linear-assistant/prompt-cases.js';
import { TRIAGE_ASSISTANT } from '../agents/triage-assistant/agent.js';
import { parseRecordedTriageReply } from '../agents/triage-assistant/model.js';
import { triageAssistantCases } from '../agents/triage-assistant/prompt-cases.js';

export interface AgentEvals {
  /** Throws when BAML cannot read the reply as a step, as the live call would. */
  parseRecorded(raw: string): unknown;
  functionName: string;
  /** By BAML test name. */
  promptCases: Readonly<Record<string, PromptCase>>;
}

export const agentEvals: Readonly<Record<string, AgentEvals>> = {
  [LINEAR_ASSISTANT]: { parseRecorded: parseRecordedReply, functionName: 'DetermineNextStep', promptCases: linearAssistantCases },
  [TRIAGE_ASSISTANT]: { parseRecorded: parseRecordedTriageReply, functionName: 'DetermineTriageStep', promptCases: triageAssistantCases },
};
