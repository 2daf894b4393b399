// The Triage Assistant (factor 10: a small, focused agent): triages a newly created Linear issue with its own step
// union, tools and policies, on the same core as the Linear Assistant.
import type { AgentDefinition } from '../../core/agent.js';
import { HardwayError } from '../../core/errors.js';
import type { ToolError } from '../../core/events.js';
import { z } from 'zod';
import { LinearError } from '../../linear/linear-error.js';
import type { LinearPort } from '../../linear/linear-port.js';
import { CHANGED_BY_HUMAN, IssueChangedError, type ThreadReader } from './freshness.js';
import { triageAssistantIntents } from './human-intents.js';
import { defaultTriagePolicy, triageApprovalFor, type TriagePolicy } from './policies.js';
import { parseTriageStep, type TriageStep } from './steps.js';
import { triageTools } from './tools.js';

export const TRIAGE_ASSISTANT = 'triage-assistant';

export interface TriageAssistantOptions {
  linear: LinearPort;
  threads: ThreadReader;
  policy?: TriagePolicy;
}

function toToolError(error: unknown): ToolError {
  if (error instanceof IssueChangedError) return { kind: CHANGED_BY_HUMAN, message: error.message, retryable: false };
  if (LinearError.isInstance(error)) return { kind: error.kind, message: error.message, retryable: error.retryable };
  if (error instanceof z.ZodError) return { kind: 'invalid_input', message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), retryable: false };
  if (HardwayError.isInstance(error)) return { kind: error.code, message: error.message, retryable: error.retry };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error), retryable: false };
}

export function createTriageAssistant(options: TriageAssistantOptions): AgentDefinition<TriageStep> {
  return {
    name: TRIAGE_ASSISTANT,
    humanIntents: triageAssistantIntents,
    parseStep: parseTriageStep,
    tools: triageTools({ linear: options.linear, threads: options.threads }),
    approvalFor: triageApprovalFor(options.policy ?? defaultTriagePolicy),
    toToolError,
  };
}
