// A second, tiny agent for tests: its own step union and its own human intents, none of the Linear Assistant's.
import { z } from 'zod';
import type { AgentDefinition, StepParse } from '../../../src/core/agent.js';
import { isJsonObject } from '../../../src/core/json.js';
import type { HumanIntents } from '../../../src/core/thread.js';

export const TRIAGE_AGENT = 'triage-bot';

const schemas = {
  lookup: z.object({ query: z.string().trim().min(1) }),
  ask_human: z.object({ question: z.string().min(1) }),
  confirm: z.object({ question: z.string().min(1) }),
  finished: z.object({ summary: z.string().min(1) }),
};

export type TriageStep =
  | { intent: 'lookup'; args: z.infer<typeof schemas.lookup> }
  | { intent: 'ask_human'; args: z.infer<typeof schemas.ask_human> }
  | { intent: 'confirm'; args: z.infer<typeof schemas.confirm> }
  | { intent: 'finished'; args: z.infer<typeof schemas.finished> };

/** `confirm` asks for a yes or no: a human's decision answers it like an approval. */
export const triageIntents = { ask: ['ask_human', 'confirm'], done: ['finished'], approval: ['confirm'] } as const satisfies HumanIntents;

function parseTriageStep(value: unknown): StepParse<TriageStep> {
  if (!isJsonObject(value)) return { ok: false, reason: 'expected an object' };
  const { intent, ...rest } = value;
  const failed = (error: z.ZodError): StepParse<TriageStep> => ({ ok: false, reason: `invalid ${String(intent)}: ${error.issues.map((i) => i.message).join('; ')}` });
  switch (intent) {
    case 'lookup': {
      const r = schemas.lookup.safeParse(rest);
      return r.success ? { ok: true, step: { intent, args: r.data } } : failed(r.error);
    }
    case 'ask_human': {
      const r = schemas.ask_human.safeParse(rest);
      return r.success ? { ok: true, step: { intent, args: r.data } } : failed(r.error);
    }
    case 'confirm': {
      const r = schemas.confirm.safeParse(rest);
      return r.success ? { ok: true, step: { intent, args: r.data } } : failed(r.error);
    }
    case 'finished': {
      const r = schemas.finished.safeParse(rest);
      return r.success ? { ok: true, step: { intent, args: r.data } } : failed(r.error);
    }
    default:
      return { ok: false, reason: `unknown intent ${JSON.stringify(intent)}` };
  }
}

/** The agent, recording the arguments its one tool receives. */
export function triageAgent(received: Array<{ query: string }>): AgentDefinition<TriageStep> {
  return {
    name: TRIAGE_AGENT,
    humanIntents: triageIntents,
    parseStep: parseTriageStep,
    tools: {
      lookup: {
        mutates: false,
        // Typed: `args.query` is a string here without any parsing in the tool.
        run: async (args) => {
          received.push(args);
          return { found: `${args.query.toUpperCase()}-1` };
        },
      },
    },
    approvalFor: () => undefined,
    toToolError: (error) => ({ kind: 'internal', message: String(error), retryable: false }),
  };
}
