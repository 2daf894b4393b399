// Every agent this process runs, one line each; the first is the one a conversation gets when none is named.
import { linearAssistant } from '../agents/linear-assistant/module.js';
import { triageAssistant } from '../agents/triage-assistant/module.js';
import type { AgentModule } from '../runtime/agent-module.js';
import type { AgentContext } from './agent-context.js';

export type AgentList = readonly [AgentModule<AgentContext>, ...AgentModule<AgentContext>[]];

export const agents: AgentList = [
  linearAssistant,
  triageAssistant,
];
