// The worker's model and tools with a span around each call, through the tracing port. What they return or throw
// is passed on untouched.
import type { AgentDefinition, StepModel, Tool } from '../core/agent.js';
import { toJson } from '../core/json.js';
import type { RunSpan } from './tracing.js';

export function tracedModel(model: StepModel, run: RunSpan): StepModel {
  return async (context, signal) => {
    const span = run.model();
    const outcome = await model(context, signal);
    span.end(outcome, context);
    return outcome;
  };
}

export function tracedAgent(agent: AgentDefinition, run: RunSpan): AgentDefinition {
  const tools: Record<string, Tool> = {};
  for (const [intent, tool] of Object.entries(agent.tools as Record<string, Tool | undefined>)) {
    if (tool === undefined) continue;
    tools[intent] = {
      mutates: tool.mutates,
      run: async (args, ctx) => {
        const span = run.tool({ intent, callId: ctx.callId, mutates: tool.mutates, args: toJson(args) });
        try {
          const result = await tool.run(args, ctx);
          span.end({ ok: true, result });
          return result;
        } catch (error) {
          span.end({ ok: false, error });
          throw error;
        }
      },
    };
  }
  return { ...agent, tools };
}
