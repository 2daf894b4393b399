// Dry-run tools for a replay: every tool that only reads runs for real; every tool the agent marks as mutating
// (`Tool.mutates`, e.g. the Linear Assistant's create/update/comment) answers with what it would have sent instead.
import type { AgentDefinition, Tool } from '../core/agent.js';
import type { Json, JsonObject } from '../core/json.js';
import { toJson } from '../core/json.js';

/** The result a held mutation records in the fork, in place of Linear's answer. */
export interface HeldMutation {
  dry_run: true;
  not_sent: string;
  args: Json;
}

export function isHeldMutation(result: Json): boolean {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && result.dry_run === true && typeof result.not_sent === 'string';
}

export function dryRunAgent(agent: AgentDefinition): AgentDefinition {
  const tools: Record<string, Tool> = {};
  for (const [intent, tool] of Object.entries(agent.tools as Record<string, Tool | undefined>)) {
    if (tool === undefined) continue;
    tools[intent] = tool.mutates ? held(intent) : tool;
  }
  return { ...agent, tools };
}

function held(intent: string): Tool {
  return {
    mutates: true,
    run: async (args: JsonObject): Promise<Json> => {
      const result: HeldMutation = { dry_run: true, not_sent: intent, args: toJson(args) };
      return { ...result };
    },
  };
}
