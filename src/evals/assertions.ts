// A case's assertions over the step a model took: each one named, so a report says which failed and why.
import type { Step } from '../core/agent.js';
import { canonicalJson, isJsonObject, type Json } from '../core/json.js';
import type { CaseAssertions } from './eval-case.js';

export interface AssertionFailure {
  /** `intent`, `require issue.team_id`, `forbid delete_workspace`, or a prompt test's own assert name. */
  name: string;
  detail: string;
}

/** The value at a dotted path of the step as the model wrote it (`{ intent, ...args }`). */
function valueAt(step: Step, path: string): Json | undefined {
  let at: Json | undefined = { intent: step.intent, ...step.args };
  for (const key of path.split('.')) {
    if (Array.isArray(at) && /^\d+$/.test(key)) at = at[Number(key)];
    else if (isJsonObject(at) && Object.hasOwn(at, key)) at = at[key];
    else return undefined;
  }
  return at;
}

const shown = (value: Json | undefined): string => (value === undefined ? 'nothing' : JSON.stringify(value));

export function checkAssertions(step: Step, assert: CaseAssertions): AssertionFailure[] {
  const failures: AssertionFailure[] = [];
  if (assert.intent !== undefined && step.intent !== assert.intent) {
    failures.push({ name: 'intent', detail: `expected ${assert.intent}, got ${step.intent}` });
  }
  for (const { path, equals } of assert.require) {
    const actual = valueAt(step, path);
    if (actual === undefined || canonicalJson(actual) !== canonicalJson(equals)) {
      failures.push({ name: `require ${path}`, detail: `expected ${JSON.stringify(equals)}, got ${shown(actual)}` });
    }
  }
  for (const intent of assert.forbidIntents) {
    if (step.intent === intent) failures.push({ name: `forbid ${intent}`, detail: `the step is ${intent}` });
  }
  return failures;
}

/** A `--require path=value` flag: the value is JSON when it reads as JSON (`100`, `true`, `"x"`), else the text. */
export function parseRequire(flag: string): { path: string; equals: Json } {
  const at = flag.indexOf('=');
  if (at <= 0) throw new Error(`--require takes path=value, e.g. issue.team_id=OPS (got "${flag}")`);
  const path = flag.slice(0, at);
  const text = flag.slice(at + 1);
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { path, equals: value };
  } catch {
    // Not JSON: the words themselves.
  }
  return { path, equals: text };
}
