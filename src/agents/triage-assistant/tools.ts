// The Triage Assistant's tools over LinearPort. Every write first checks that no human changed the issue since the
// webhook (./freshness.ts) and returns the `updatedAt` it left, which the next write's check starts from.
import type { Tool, ToolContext, ToolsOf } from '../../core/agent.js';
import { toJson, type Json } from '../../core/json.js';
import type { IssueChanges, LinearPort } from '../../linear/linear-port.js';
import { assertUnchanged, OWN_UPDATED_AT, type ThreadReader } from './freshness.js';
import type { TriageArgs, TriageStep } from './steps.js';

export interface TriageToolDeps {
  linear: LinearPort;
  threads: ThreadReader;
}

const read = <I extends 'search_issues' | 'list_labels' | 'list_users'>(run: (args: TriageArgs<I>, ctx: ToolContext) => Promise<unknown>): Tool<TriageArgs<I>> => ({
  mutates: false,
  run: async (args, ctx) => toJson(await run(args, ctx)),
});

export function triageTools(deps: TriageToolDeps): ToolsOf<TriageStep> {
  const { linear } = deps;
  const teamOf = (teamId: string | undefined) => (teamId === undefined ? {} : { teamId });
  return {
    search_issues: read<'search_issues'>(async (a, { signal }) => ({
      issues: await linear.searchIssues({ query: a.query, ...teamOf(a.team_id), limit: a.limit ?? 10 }, { signal }),
    })),
    list_labels: read<'list_labels'>(async (a, { signal }) => ({ labels: await linear.listLabels(teamOf(a.team_id), { signal }) })),
    list_users: read<'list_users'>(async (a, { signal }) => ({ users: await linear.listUsers(teamOf(a.team_id), { signal }) })),
    apply_triage: {
      mutates: true,
      run: async (a, { threadId, signal, idempotencyKey }): Promise<Json> => {
        await assertUnchanged(deps, threadId, a.issue_id, signal);
        const changes: IssueChanges = {
          ...(a.label_ids !== undefined ? { labelIds: a.label_ids } : {}),
          ...(a.priority !== undefined ? { priority: a.priority } : {}),
          ...(a.assignee_id !== undefined ? { assigneeId: a.assignee_id } : {}),
        };
        // A duplicate is named in the result and the comment, never closed here: closing is a human's call.
        if (Object.keys(changes).length === 0) return { issue: null, duplicate_of: a.duplicate_of ?? null };
        const issue = await linear.updateIssue(a.issue_id, changes, { signal, idempotencyKey });
        return toJson({ issue, ...(a.duplicate_of !== undefined ? { duplicate_of: a.duplicate_of } : {}), [OWN_UPDATED_AT]: issue.updatedAt });
      },
    },
    add_comment: {
      mutates: true,
      run: async (a, { threadId, signal, idempotencyKey }): Promise<Json> => {
        await assertUnchanged(deps, threadId, a.issue_id, signal);
        const comment = await linear.addComment(a.issue_id, a.body, { signal, idempotencyKey });
        // A comment may touch the issue's `updatedAt`; what it left is ours, not a human's.
        const after = await linear.getIssue(a.issue_id, { signal });
        return toJson({ comment, [OWN_UPDATED_AT]: after.updatedAt });
      },
    },
  };
}
