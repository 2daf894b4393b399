// The Linear Assistant's tools, one table entry each: the step's arguments (zod), whether it changes Linear, and the
// deterministic code that turns the validated step into LinearPort calls. `steps.ts` builds the step union from it.
import { z } from 'zod';
import type { Tool, ToolContext } from '../../core/agent.js';
import type { Json } from '../../core/json.js';
import { toJson } from '../../core/json.js';
import type { IssueChanges, LinearPort } from '../../linear/linear-port.js';
import type { ReferenceCache } from './reference-cache.js';

const id = z.string().trim().min(1).max(200);
const optionalId = id.nullish();
const priority = z.number().int().min(0).max(4).nullish();

export const issueDraft = z.object({
  title: z.string().trim().min(1).max(500),
  description: z.string().max(50_000).nullish(),
  team_id: id,
  assignee_id: optionalId,
  state_id: optionalId,
  priority,
  label_ids: z.array(id).max(50).nullish(),
});

export const issueChanges = z
  .object({
    title: z.string().trim().min(1).max(500).nullish(),
    description: z.string().max(50_000).nullish(),
    state_id: optionalId,
    assignee_id: optionalId,
    priority,
    label_ids: z.array(id).max(50).nullish(),
  })
  .refine((c) => Object.values(c).some((v) => v !== null && v !== undefined), { message: 'changes must change something' });

/** What every tool may use besides its arguments: the port, and the reference cache pre-fetch fills. */
export interface ToolEnv {
  linear: LinearPort;
  cached<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export interface LinearToolSpec<S extends z.ZodType> {
  /** The step's arguments without `intent`; mirrored in baml_src/linear_assistant.baml. */
  schema: S;
  /** Changes something in Linear (create, update, comment). */
  mutates: boolean;
  /** Receives the arguments `parseStep` validated against `schema`. Throws on failure; `toToolError` maps it. */
  run(args: z.infer<S>, ctx: ToolContext, env: ToolEnv): Promise<unknown>;
}

const tool = <S extends z.ZodType>(spec: LinearToolSpec<S>): LinearToolSpec<S> => spec;

const opt = <K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> =>
  value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);

export const linearToolSpecs = {
  list_teams: tool({
    schema: z.object({}),
    mutates: false,
    run: async (_args, { signal }, { linear, cached }) => ({ teams: await cached('teams', () => linear.listTeams({ signal })) }),
  }),
  list_users: tool({
    schema: z.object({ team_id: optionalId }),
    mutates: false,
    run: async ({ team_id }, { signal }, { linear, cached }) => ({
      users: await cached(`users:${team_id ?? ''}`, () => linear.listUsers(opt('teamId', team_id), { signal })),
    }),
  }),
  list_workflow_states: tool({
    schema: z.object({ team_id: optionalId }),
    mutates: false,
    run: async ({ team_id }, { signal }, { linear, cached }) => ({
      states: await cached(`states:${team_id ?? ''}`, () => linear.listWorkflowStates(opt('teamId', team_id), { signal })),
    }),
  }),
  list_labels: tool({
    schema: z.object({ team_id: optionalId }),
    mutates: false,
    run: async ({ team_id }, { signal }, { linear, cached }) => ({
      labels: await cached(`labels:${team_id ?? ''}`, () => linear.listLabels(opt('teamId', team_id), { signal })),
    }),
  }),
  search_issues: tool({
    schema: z.object({
      query: z.string().max(500).nullish(),
      team_id: optionalId,
      assignee_id: optionalId,
      state_name: z.string().max(100).nullish(),
      limit: z.number().int().min(1).max(50).nullish(),
      offset: z.number().int().min(0).max(49).nullish(),
    }),
    mutates: false,
    run: async (a, { signal }, { linear }) => {
      // A page past the first is the tail of a longer search (Linear's search has no offset): 50 matches in all.
      const offset = a.offset ?? 0;
      const limit = a.limit ?? 20;
      const issues = await linear.searchIssues(
        { ...opt('query', a.query), ...opt('teamId', a.team_id), ...opt('assigneeId', a.assignee_id), ...opt('stateName', a.state_name), ...opt('limit', offset === 0 ? a.limit : Math.min(50, offset + limit)) },
        { signal },
      );
      return { issues: offset === 0 ? issues : issues.slice(offset, offset + limit) };
    },
  }),
  get_issue: tool({
    schema: z.object({ issue_id: id }),
    mutates: false,
    run: async ({ issue_id }, { signal }, { linear }) => ({ issue: await linear.getIssue(issue_id, { signal }) }),
  }),
  get_issue_comments: tool({
    schema: z.object({ issue_id: id, limit: z.number().int().min(1).max(100).nullish() }),
    mutates: false,
    run: async ({ issue_id, limit }, { signal }, { linear }) => linear.getIssueComments(issue_id, opt('limit', limit), { signal }),
  }),
  create_issue: tool({
    schema: z.object({ issue: issueDraft }),
    mutates: true,
    run: async ({ issue: d }, { signal, idempotencyKey }, { linear }) => {
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
    },
  }),
  update_issue: tool({
    schema: z.object({ issue_ids: z.array(id).min(1).max(50), changes: issueChanges }),
    mutates: true,
    run: async ({ issue_ids, changes: c }, { signal, idempotencyKey }, { linear }) => {
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
      for (const [i, issueId] of issue_ids.entries()) {
        try {
          // Each issue of a bulk change has its own key, so a retry re-applies only what did not land.
          updated.push(toJson(await linear.updateIssue(issueId, changes, { signal, idempotencyKey: `${idempotencyKey}#${i}` })));
        } catch (error) {
          firstError ??= error;
          failed.push({ issue_id: issueId, error: error instanceof Error ? error.message : String(error) });
        }
      }
      if (updated.length === 0) throw firstError;
      return failed.length ? { updated, failed } : { updated };
    },
  }),
  add_comment: tool({
    schema: z.object({ issue_id: id, body: z.string().trim().min(1).max(50_000) }),
    mutates: true,
    run: async ({ issue_id, body }, { signal, idempotencyKey }, { linear }) => ({
      comment: await linear.addComment(issue_id, body, { signal, idempotencyKey }),
    }),
  }),
};

export type ToolIntent = keyof typeof linearToolSpecs;

/** Each tool receives its own step's arguments, validated by `parseStep`. */
export type LinearTools = { [I in ToolIntent]: Tool<z.infer<(typeof linearToolSpecs)[I]['schema']>> };

export function linearTools(linear: LinearPort, cache: ReferenceCache): LinearTools {
  const env: ToolEnv = { linear, cached: (key, load) => cache.get(key, load) };
  const bind = <S extends z.ZodType>(spec: LinearToolSpec<S>): Tool<z.infer<S>> => ({
    mutates: spec.mutates,
    run: async (args, ctx) => toJson(await spec.run(args, ctx, env)),
  });
  const entries = Object.entries(linearToolSpecs).map(([intent, spec]) => [intent, bind(spec)]);
  // Each entry is bound from the spec of the same intent, so its arguments are that spec's: the table's own pairing.
  return Object.fromEntries(entries) as LinearTools;
}
