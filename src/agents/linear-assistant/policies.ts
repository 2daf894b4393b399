// Which steps wait for a human's approval. Decided in code from the step and the thread, never by the model:
// nothing an email says can change these rules.
import type { ApprovalNeed, Step } from '../../core/agent.js';
import type { Json } from '../../core/json.js';
import { oldestFirst } from '../../core/stack.js';
import type { ThreadState } from '../../core/state.js';
import type { Thread } from '../../core/thread.js';
import { argsOf } from './steps.js';

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

/** Everything with an id and a name that tools returned in this thread: states, users, labels, teams. */
function known(state: Pick<ThreadState, 'toolResults'>): Named[] {
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
  for (const e of oldestFirst(state.toolResults)) visit(e.data.result);
  return found;
}

function describe(value: string, facts: Named[]): string {
  const match = facts.find((f) => f.id === value);
  return match ? `${match.name} (${value})` : value;
}

/**
 * A state change counts as closing when the target is a completed/canceled state. A target this thread
 * cannot classify (not among the states Linear returned here) also counts: the policy fails safe.
 */
function isClosing(stateRef: string, facts: Named[]): boolean {
  const ref = stateRef.trim().toLowerCase();
  const state = facts.find((f) => f.type !== undefined && (f.id === stateRef || f.name.toLowerCase() === ref));
  if (state?.type !== undefined) return closedTypes.has(state.type);
  return true;
}

export function approvalFor(policy: ApprovalPolicy) {
  return (step: Step, _thread: Thread, state: Pick<ThreadState, 'toolResults'>): ApprovalNeed | undefined => {
    const reasons: string[] = [];
    if (policy.intents.includes(step.intent)) reasons.push(`${step.intent} always needs approval`);
    if (step.intent !== 'update_issue') {
      return reasons.length ? { policy: reasons.join('; '), summary: summarize(step, []) } : undefined;
    }
    const { issue_ids: ids, changes } = argsOf('update_issue', step.args);
    const facts = known(state);
    if (policy.bulk && ids.length > 1) reasons.push(`bulk change of ${ids.length} issues`);
    if (policy.closing && changes.state_id && isClosing(changes.state_id, facts)) reasons.push('closes or cancels an issue (or moves it to a state not known to this thread)');
    if (policy.reassign && changes.assignee_id) reasons.push('reassigns an issue');
    return reasons.length ? { policy: reasons.join('; '), summary: summarize(step, facts) } : undefined;
  };
}

/** The exact operation in plain words, with names next to ids where the thread knows them. */
export function summarize(step: Step, facts: Named[]): string {
  if (step.intent === 'update_issue') {
    const { issue_ids: ids, changes } = argsOf('update_issue', step.args);
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
