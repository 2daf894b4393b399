// The Triage Assistant's step union in zod: every step the model returns is validated here before it runs.
// Mirrors baml_src/triage_assistant.baml.
import { z } from 'zod';
import type { StepParse } from '../../core/agent.js';
import { isJsonObject, toJson, type Json } from '../../core/json.js';

const id = z.string().trim().min(1).max(200);
const message = z.object({ message: z.string().trim().min(1) });

export const triageStepSchemas = {
  search_issues: z.object({ query: z.string().trim().min(1).max(500), team_id: id.optional(), limit: z.number().int().min(1).max(20).optional() }),
  list_labels: z.object({ team_id: id.optional() }),
  list_users: z.object({ team_id: id.optional() }),
  apply_triage: z
    .object({
      issue_id: id,
      label_ids: z.array(id).max(20).optional(),
      priority: z.number().int().min(0).max(4).optional(),
      assignee_id: id.optional(),
      duplicate_of: id.optional(),
      reasons: z.string().trim().min(1).max(2000),
    })
    .refine((a) => [a.label_ids, a.priority, a.assignee_id, a.duplicate_of].some((v) => v !== null && v !== undefined), { message: 'apply_triage must change something' }),
  add_comment: z.object({ issue_id: id, body: z.string().trim().min(1).max(5000) }),
  request_approval: message,
  done_for_now: message,
} as const;

type Schemas = typeof triageStepSchemas;
export type TriageIntent = keyof Schemas;
export type TriageArgs<I extends TriageIntent> = z.infer<Schemas[I]>;
export type TriageStep = { [I in TriageIntent]: { intent: I; args: TriageArgs<I> } }[TriageIntent];

const intents = Object.keys(triageStepSchemas) as TriageIntent[];

function isIntent(value: string): value is TriageIntent {
  return Object.hasOwn(triageStepSchemas, value);
}

export function parseTriageStep(value: unknown): StepParse<TriageStep> {
  if (!isJsonObject(value)) return { ok: false, reason: 'expected one JSON object with an "intent"' };
  const { intent, ...rest } = value;
  if (typeof intent !== 'string') return { ok: false, reason: 'missing "intent"' };
  if (!isIntent(intent)) return { ok: false, reason: `unknown intent "${intent}"; use one of: ${intents.join(', ')}` };
  // BAML fills absent optional fields with null: they are dropped before the schema reads them.
  const parsed = triageStepSchemas[intent].safeParse(dropNulls(toJson(rest)));
  if (!parsed.success) return { ok: false, reason: `invalid ${intent}: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || intent}: ${i.message}`).join('; ')}` };
  const args = toJson(parsed.data);
  if (!isJsonObject(args)) return { ok: false, reason: 'arguments must be an object' };
  // `args` passed this intent's schema just above; zod's output type cannot follow `intent` through the table.
  return { ok: true, step: { intent, args } as TriageStep };
}

/** Leaving nulls out keeps the context and the call identity clean. */
function dropNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
  }
  return value;
}
