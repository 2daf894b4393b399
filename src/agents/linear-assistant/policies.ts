// Which steps wait for a human's approval. Decided in code from the step and the thread, never by the model:
// nothing an email says can change these rules.
import type { ApprovalNeed } from '../../core/agent.js';
import type { Json } from '../../core/json.js';
import { newestFirst, push, type Stack } from '../../core/stack.js';
import type { ThreadState } from '../../core/state.js';
import type { Thread } from '../../core/thread.js';
import type { LinearStep } from './steps.js';

export interface ApprovalPolicy {
  /** Intents that always need approval (e.g. `create_issue` in a cautious workspace). */
  intents: readonly string[];
  /** Moving an issue to a completed or canceled state. */
  closing: boolean;
  /** Changing who an issue is assigned to. */
  reassign: boolean;
  /** Changing more than one issue in one step. */
  bulk: boolean;
}

export const defaultApprovalPolicy: ApprovalPolicy = { intents: [], closing: true, reassign: true, bulk: true };

interface Named {
  id: string;
  name: string;
  type?: string;
  email?: string;
}

const closedTypes = new Set(['completed', 'canceled']);

/** The facts with an id and a name inside one tool result, in the order a depth-first walk meets them. */
function namedIn(result: Json): Named[] {
  const found: Named[] = [];
  const visit = (value: Json): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const { id, name, type, email } = value;
    if (typeof id === 'string' && typeof name === 'string') {
      found.push({ id, name, ...(typeof type === 'string' ? { type } : {}), ...(typeof email === 'string' ? { email } : {}) });
    }
    Object.values(value).forEach(visit);
  };
  visit(result);
  return found;
}

/**
 * The facts of every result up to a cell of the state's stack. The stack is shared by every later state, so
 * each result is walked once for the thread's life, not once per step.
 */
const factsUpTo = new WeakMap<NonNullable<ThreadState['toolResults']>, { facts: Stack<Named> }>();

/** Everything with an id and a name that tools returned in this thread (states, users, labels, teams), newest first. */
function known(state: Pick<ThreadState, 'toolResults'>): Stack<Named> {
  const unseen: Array<NonNullable<ThreadState['toolResults']>> = [];
  let facts: Stack<Named>;
  for (let cell = state.toolResults; cell !== undefined; cell = cell.rest) {
    const memo = factsUpTo.get(cell);
    if (memo !== undefined) {
      facts = memo.facts;
      break;
    }
    unseen.push(cell);
  }
  for (const cell of unseen.reverse()) {
    for (const fact of namedIn(cell.top.data.result)) facts = push(facts, fact);
    factsUpTo.set(cell, { facts });
  }
  return facts;
}

/** What a thread knows, as `known` keeps it, or as a list (oldest first) from a caller that has one. */
type Facts = Stack<Named> | readonly Named[];

/** The first fact a thread learned that matches: a newest-first stack is walked to its oldest match. */
function first(facts: Facts, matches: (f: Named) => boolean): Named | undefined {
  if (isList(facts)) return facts.find(matches);
  let found: Named | undefined;
  for (const f of newestFirst(facts)) if (matches(f)) found = f;
  return found;
}

function isList(facts: Facts): facts is readonly Named[] {
  return Array.isArray(facts);
}

function describe(value: string, facts: Facts): string {
  const match = first(facts, (f) => f.id === value);
  return match ? `${match.name} (${value})` : value;
}

/**
 * A state change counts as closing when the target is a completed/canceled state. A target this thread
 * cannot classify (not among the states Linear returned here) also counts: the policy fails safe.
 */
function isClosing(stateRef: string, facts: Facts): boolean {
  const ref = stateRef.trim().toLowerCase();
  const state = first(facts, (f) => f.type !== undefined && (f.id === stateRef || f.name.toLowerCase() === ref));
  if (state?.type !== undefined) return closedTypes.has(state.type);
  return true;
}

export function approvalFor(policy: ApprovalPolicy) {
  return (step: LinearStep, _thread: Thread, state: Pick<ThreadState, 'toolResults'>): ApprovalNeed | undefined => {
    const reasons: string[] = [];
    if (policy.intents.includes(step.intent)) reasons.push(`${step.intent} always needs approval`);
    if (step.intent !== 'update_issue') {
      return reasons.length ? { policy: reasons.join('; '), summary: summarize(step, []) } : undefined;
    }
    const { issue_ids: ids, changes } = step.args;
    const facts = known(state);
    if (policy.bulk && ids.length > 1) reasons.push(`bulk change of ${ids.length} issues`);
    if (policy.closing && changes.state_id && isClosing(changes.state_id, facts)) reasons.push('closes or cancels an issue (or moves it to a state not known to this thread)');
    if (policy.reassign && changes.assignee_id) reasons.push('reassigns an issue');
    return reasons.length ? { policy: reasons.join('; '), summary: summarize(step, facts) } : undefined;
  };
}

/** The exact operation in plain words, with names next to ids where the thread knows them. */
export function summarize(step: LinearStep, facts: Facts): string {
  if (step.intent === 'update_issue') {
    const { issue_ids: ids, changes } = step.args;
    const parts: string[] = [];
    if (changes.title) parts.push(`title → "${changes.title}"`);
    if (changes.description) parts.push(`description → "${changes.description.slice(0, 200)}"`);
    if (changes.state_id) parts.push(`status → ${describe(changes.state_id, facts)}`);
    if (changes.assignee_id) parts.push(`assignee → ${describe(changes.assignee_id, facts)}`);
    if (changes.priority !== undefined && changes.priority !== null) parts.push(`priority → ${changes.priority}`);
    if (changes.label_ids) parts.push(`labels → ${changes.label_ids.map((l) => describe(l, facts)).join(', ')}`);
    return `Update ${ids.join(', ')}: ${parts.join('; ')}`;
  }
  return `${step.intent}: ${JSON.stringify(step.args)}`;
}
