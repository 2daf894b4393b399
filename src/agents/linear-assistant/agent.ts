// The Linear Assistant (factor 10: a small, focused agent): its prompt's step union, tools, policies, pre-fetch.
import { z } from 'zod';
import type { AgentDefinition } from '../../core/agent.js';
import type { ToolError } from '../../core/events.js';
import { systemClock, type Clock } from '../../core/ids.js';
import type { Thread } from '../../core/thread.js';
import { LinearError } from '../../linear/linear-error.js';
import type { LinearPort } from '../../linear/linear-port.js';
import { collapsedResult } from './collapsed-result.js';
import { linearAssistantIntents } from './human-intents.js';
import { approvalFor, defaultApprovalPolicy, type ApprovalPolicy } from './policies.js';
import { ReferenceCache } from './reference-cache.js';
import { linearAssistantRender } from './result-views.js';
import { parseStep, type LinearStep } from './steps.js';
import { linearTools } from './tools.js';

export const LINEAR_ASSISTANT = 'linear-assistant';

export interface LinearAssistantOptions {
  linear: LinearPort;
  policy?: ApprovalPolicy;
  /** How long pre-fetched teams, states and labels are reused across threads; 0 disables pre-fetch. */
  prefetchTtlMs?: number;
  clock?: Clock;
}

export function toToolError(error: unknown): ToolError {
  if (LinearError.isInstance(error)) return { kind: error.kind, message: error.message, retryable: error.retryable };
  if (error instanceof z.ZodError) {
    return { kind: 'invalid_input', message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), retryable: false };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error), retryable: false };
}

const prefetchSteps: LinearStep[] = [
  { intent: 'list_teams', args: {} },
  { intent: 'list_workflow_states', args: {} },
  { intent: 'list_labels', args: {} },
];

export function createLinearAssistant(options: LinearAssistantOptions): AgentDefinition<LinearStep> & { cache: ReferenceCache } {
  const ttl = options.prefetchTtlMs ?? 300_000;
  const cache = new ReferenceCache(ttl, options.clock ?? systemClock);
  return {
    name: LINEAR_ASSISTANT,
    humanIntents: linearAssistantIntents,
    parseStep,
    tools: linearTools(options.linear, cache),
    approvalFor: approvalFor(options.policy ?? defaultApprovalPolicy),
    toToolError,
    collapsedResult,
    render: linearAssistantRender,
    ...(ttl > 0 ? { prefetch: (_thread: Thread) => prefetchSteps } : {}),
    cache,
  };
}
