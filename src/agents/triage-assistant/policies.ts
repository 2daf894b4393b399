// Which Triage Assistant steps wait for a human's approval, decided in code from the step and the thread: it never
// reassigns an issue (or assigns one, when the settings say so) or marks a duplicate without approval, and after a
// human changed the issue under it, no further write goes out without one.
import type { ApprovalNeed } from '../../core/agent.js';
import type { Thread } from '../../core/thread.js';
import { CHANGED_BY_HUMAN } from './freshness.js';
import { issueCreatedOf, isTheIssue } from './opening.js';
import type { TriageStep } from './steps.js';

export interface TriagePolicy {
  /** Setting the assignee of an unassigned issue needs approval too (reassigning always does). */
  assign: boolean;
}

export const defaultTriagePolicy: TriagePolicy = { assign: true };

export function triageApprovalFor(policy: TriagePolicy) {
  return (step: TriageStep, thread: Thread): ApprovalNeed | undefined => {
    switch (step.intent) {
      case 'search_issues':
      case 'list_labels':
      case 'list_users':
      case 'request_approval':
      case 'done_for_now':
        return undefined;
      case 'apply_triage':
      case 'add_comment': {
        const reasons: string[] = [];
        const opened = issueCreatedOf(thread);
        if (opened !== undefined && !isTheIssue(step.args.issue_id, opened)) reasons.push(`writes to ${step.args.issue_id}, not the issue being triaged`);
        if (humanChangedIt(thread)) reasons.push('a human changed the issue after the webhook');
        if (step.intent === 'apply_triage') {
          const { assignee_id: assignee, duplicate_of: duplicate } = step.args;
          if (assignee !== undefined && opened?.assigneeId) reasons.push('reassigns an issue');
          else if (assignee !== undefined && policy.assign) reasons.push('assigns an issue');
          if (duplicate !== undefined) reasons.push('marks it a duplicate');
        }
        return reasons.length ? { policy: reasons.join('; '), summary: summarize(step) } : undefined;
      }
      default: {
        const unreachable: never = step;
        return unreachable;
      }
    }
  };
}

function humanChangedIt(thread: Thread): boolean {
  return thread.events.some((e) => e.type === 'tool_failed' && e.data.error.kind === CHANGED_BY_HUMAN);
}

/** The exact operation in plain words, for the approver. */
export function summarize(step: Extract<TriageStep, { intent: 'apply_triage' | 'add_comment' }>): string {
  if (step.intent === 'add_comment') return `Comment on ${step.args.issue_id}: "${step.args.body.slice(0, 300)}"`;
  const a = step.args;
  const parts = [
    ...(a.label_ids ? [`labels → ${a.label_ids.join(', ')}`] : []),
    ...(a.priority !== undefined ? [`priority → ${a.priority}`] : []),
    ...(a.assignee_id ? [`assignee → ${a.assignee_id}`] : []),
    ...(a.duplicate_of ? [`duplicate of ${a.duplicate_of}`] : []),
  ];
  return `Triage ${a.issue_id}: ${parts.join('; ')} (${a.reasons})`;
}
