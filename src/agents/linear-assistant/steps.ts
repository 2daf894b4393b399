// The Linear Assistant's step union in zod: every step the model returns is validated here before it runs.
// Mirrors baml_src/linear_assistant.baml; test/agents/linear-assistant/steps.test.ts keeps the two in step.
import { z } from 'zod';
import type { StepParse } from '../../core/agent.js';
import { isJsonObject, toJson, type Json } from '../../core/json.js';
import { linearToolSpecs } from './tools.js';

const message = z.object({ message: z.string().trim().min(1) });

/** Every step the model may return: each tool's arguments (from its table entry), and the human intents'. */
export const stepSchemas = {
  ...(Object.fromEntries(Object.entries(linearToolSpecs).map(([intent, spec]) => [intent, spec.schema])) as ToolSchemas),
  request_more_information: message,
  request_approval: message,
  done_for_now: message,
} as const;

// The table's own pairing of each intent with its schema, which Object.fromEntries cannot carry in its type.
type ToolSchemas = { [I in keyof typeof linearToolSpecs]: (typeof linearToolSpecs)[I]['schema'] };

export type Intent = keyof typeof stepSchemas;
export type StepArgs<I extends Intent> = z.infer<(typeof stepSchemas)[I]>;
/** The Linear Assistant's step union: each intent with its own arguments, as its tools and policies receive them. */
export type LinearStep = { [I in Intent]: { intent: I; args: StepArgs<I> } }[Intent];
export const intents = Object.keys(stepSchemas) as Intent[];

export function isIntent(value: string): value is Intent {
  return Object.hasOwn(stepSchemas, value);
}

/** Validates one model output; the reason is short enough to show the model in an `<error>` tag. */
export function parseStep(value: unknown): StepParse<LinearStep> {
  if (!isJsonObject(value)) return { ok: false, reason: 'expected one JSON object with an "intent"' };
  const { intent, ...rest } = value;
  if (typeof intent !== 'string') return { ok: false, reason: 'missing "intent"' };
  if (!isIntent(intent)) return { ok: false, reason: `unknown intent "${intent}"; use one of: ${intents.join(', ')}` };
  const parsed = stepSchemas[intent].safeParse(rest);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => {
      const path = i.path.map(String).join('.');
      // A field that is not there at all says so plainly; zod's "expected string, received undefined" does not.
      if (path !== '' && valueAt(rest, i.path) === undefined) return `missing field ${path}`;
      return `${path || intent}: ${i.message}`;
    });
    return { ok: false, reason: `invalid ${intent}: ${issues.join('; ')}` };
  }
  const args = dropNulls(toJson(parsed.data));
  if (!isJsonObject(args)) return { ok: false, reason: 'arguments must be an object' };
  // `args` passed this intent's schema just above (dropping nulls leaves nullish fields valid); zod's output type
  // cannot follow `intent` through the schema table, so the pairing is stated once, here.
  return { ok: true, step: { intent, args } as LinearStep };
}

/**
 * Why a reply BAML could not read as a step is not one, in words the model can act on: the same checks as
 * `parseStep`, after finding the JSON object in the text the way a reader would.
 */
export function explainInvalid(raw: string): string {
  const text = raw.trim();
  if (text === '') return 'the reply was empty; answer with one JSON object with an "intent"';
  const start = text.indexOf('{');
  if (start < 0) return 'no JSON object in the reply';
  const rest = text.slice(start);
  if (!isClosed(rest)) return 'the reply was cut off before its JSON object was closed';
  let value: unknown;
  try {
    value = JSON.parse(rest.slice(0, rest.lastIndexOf('}') + 1));
  } catch {
    return 'the JSON object in the reply is not valid JSON';
  }
  const parsed = parseStep(value);
  return parsed.ok ? 'the reply does not match any of the step schemas' : parsed.reason;
}

/** Whether every brace and string opened in `text` is closed (a reply cut short leaves some open). */
function isClosed(text: string): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return depth <= 0 && !inString;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isJsonObject(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}

/** BAML fills absent optional fields with null; leaving them out keeps the context and call identity clean. */
function dropNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
  }
  return value;
}
