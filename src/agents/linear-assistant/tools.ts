// The Linear Assistant's tools: deterministic code that turns a validated step into LinearPort calls.
import type { Tool, ToolContext } from '../../core/agent.js';
import type { Json } from '../../core/json.js';
import { toJson } from '../../core/json.js';
import type { IssueChanges, LinearPort } from '../../linear/linear-port.js';
import type { HumanIntent } from './human-intents.js';
import type { ReferenceCache } from './reference-cache.js';
import type { Intent, StepArgs } from './steps.js';

export type ToolIntent = Exclude<Intent, HumanIntent>;

/** Each tool receives its own step's arguments, validated by `parseStep`. */
export type LinearTools = { [I in ToolIntent]: Tool<StepArgs<I>> };

const opt = <K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> =>
  value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);

function read<A>(run: (args: A, ctx: ToolContext) => Promise<unknown>): Tool<A> {
  return { mutates: false, run: async (args, ctx) => toJson(await run(args, ctx)) };
}

function write<A>(run: (args: A, ctx: ToolContext) => Promise<unknown>): Tool<A> {
  return { mutates: true, run: async (args, ctx) => toJson(await run(args, ctx)) };
}

export function linearTools(linear: LinearPort, cache: ReferenceCache): LinearTools {
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => cache.get(key, load);
  return {
    list_teams: read(async (_args, { signal }) => ({ teams: await cached('teams', () => linear.listTeams({ signal })) })),
    list_users: read(async ({ team_id }, { signal }) => {
      return { users: await cached(`users:${team_id ?? ''}`, () => linear.listUsers(opt('teamId', team_id), { signal })) };
    }),
    list_workflow_states: read(async ({ team_id }, { signal }) => {
      return { states: await cached(`states:${team_id ?? ''}`, () => linear.listWorkflowStates(opt('teamId', team_id), { signal })) };
    }),
    list_labels: read(async ({ team_id }, { signal }) => {
      return { labels: await cached(`labels:${team_id ?? ''}`, () => linear.listLabels(opt('teamId', team_id), { signal })) };
    }),
    search_issues: read(async (a, { signal }) => {
      const issues = await linear.searchIssues(
        { ...opt('query', a.query), ...opt('teamId', a.team_id), ...opt('assigneeId', a.assignee_id), ...opt('stateName', a.state_name), ...opt('limit', a.limit) },
        { signal },
      );
      return { issues };
    }),
    get_issue: read(async ({ issue_id }, { signal }) => ({ issue: await linear.getIssue(issue_id, { signal }) })),
    create_issue: write(async ({ issue: d }, { signal, idempotencyKey }) => {
      const issue = await linear.createIssue(
        {
          title: d.title,
          teamId: d.team_id,
          ...opt('description', d.description),
          ...opt('assigneeId', d.assignee_id),
          ...opt('stateId', d.state_id),
          ...opt('priority', d.priority),
          ...opt('labelIds', d.label_ids),
        },
        { signal, idempotencyKey },
      );
      return { issue };
    }),
    update_issue: write(async ({ issue_ids, changes: c }, { signal, idempotencyKey }) => {
      const changes: IssueChanges = {
        ...opt('title', c.title),
        ...opt('description', c.description),
        ...opt('stateId', c.state_id),
        ...opt('assigneeId', c.assignee_id),
        ...opt('priority', c.priority),
        ...opt('labelIds', c.label_ids),
      };
      const updated: Json[] = [];
      const failed: Json[] = [];
      let firstError: unknown;
      for (const [i, id] of issue_ids.entries()) {
        try {
          // Each issue of a bulk change has its own key, so a retry re-applies only what did not land.
          updated.push(toJson(await linear.updateIssue(id, changes, { signal, idempotencyKey: `${idempotencyKey}#${i}` })));
        } catch (error) {
          firstError ??= error;
          failed.push({ issue_id: id, error: error instanceof Error ? error.message : String(error) });
        }
      }
      if (updated.length === 0) throw firstError;
      return failed.length ? { updated, failed } : { updated };
    }),
    add_comment: write(async ({ issue_id, body }, { signal, idempotencyKey }) => {
      return { comment: await linear.addComment(issue_id, body, { signal, idempotencyKey }) };
    }),
  };
}
