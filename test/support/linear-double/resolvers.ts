// The Linear double's resolvers: Linear's root fields and types, as far as our documents use them, served from a
// local workspace store. Arguments are external input, so each is parsed with zod; a field, argument or filter our
// documents do not use is not implemented and answers an explicit error, never a silent null.
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import { z } from 'zod';
import type { CommentRecord, IssueRecord, LabelRecord, StateRecord, TeamRecord, UserRecord } from '../../../src/linear/local-workspace/records.js';
import type { WorkspaceStore } from '../../../src/linear/local-workspace/workspace-store.js';

/** A field computed from its arguments when the query asks for it (connections, linked entities). */
class Lazy {
  constructor(readonly resolve: (args: Record<string, unknown>) => unknown) {}
}
export const lazy = (resolve: (args: Record<string, unknown>) => unknown): Lazy => new Lazy(resolve);

type Node = Record<string, unknown>;

export function unsupported(what: string): GraphQLError {
  return new GraphQLError(`linear double: ${what} is not implemented`, {
    extensions: { code: 'LINEAR_DOUBLE_UNSUPPORTED', type: 'graphql error' },
  });
}

/** Like graphql-js's default resolver, except that a field the double does not serve is an error. */
export const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, _context, info) => {
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, info.fieldName)) {
    throw unsupported(`${info.parentType.name}.${info.fieldName}`);
  }
  const value: unknown = Reflect.get(source, info.fieldName);
  return value instanceof Lazy ? value.resolve(args) : value;
};

function parseArgs<T extends z.ZodType>(schema: T, args: Record<string, unknown>, field: string): z.infer<T> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined ? '' : `${issue.path.join('.')}: ${issue.message}`;
  throw unsupported(`${field}(${where})`);
}

const connectionArgs = {
  first: z.number().int().min(0).optional(),
  orderBy: z.enum(['createdAt', 'updatedAt']).optional(),
  includeArchived: z.literal(false).optional(),
};
const plainConnection = z.strictObject(connectionArgs);

function connection(items: readonly Node[], first: number | undefined): Node {
  return { nodes: first === undefined ? items : items.slice(0, first) };
}

const lazyConnection = (field: string, items: () => readonly Node[]): Lazy =>
  lazy((args) => connection(items(), parseArgs(plainConnection, args, field).first));

// ── filters ──────────────────────────────────────────────────────────────────────────────────────────────────────

const idEq = z.strictObject({ eq: z.string() });
const issueFilter = z
  .strictObject({
    team: z.strictObject({ id: idEq }).optional(),
    assignee: z.strictObject({ id: idEq }).optional(),
    state: z.strictObject({ name: z.strictObject({ eqIgnoreCase: z.string() }) }).optional(),
  })
  .nullish();

function toIssueQuery(filter: z.infer<typeof issueFilter>) {
  return { teamId: filter?.team?.id.eq, assigneeId: filter?.assignee?.id.eq, stateName: filter?.state?.name.eqIgnoreCase };
}

const stringComparator = z.strictObject({ eq: z.string().optional(), eqIgnoreCase: z.string().optional() });
interface UserFilter {
  or?: UserFilter[] | undefined;
  and?: UserFilter[] | undefined;
  email?: z.infer<typeof stringComparator> | undefined;
  name?: z.infer<typeof stringComparator> | undefined;
  displayName?: z.infer<typeof stringComparator> | undefined;
}
const userFilter: z.ZodType<UserFilter> = z.lazy(() =>
  z.strictObject({
    or: z.array(userFilter).optional(),
    and: z.array(userFilter).optional(),
    email: stringComparator.optional(),
    name: stringComparator.optional(),
    displayName: stringComparator.optional(),
  }),
);

function matchesString(value: string, comparator: z.infer<typeof stringComparator> | undefined): boolean {
  if (comparator === undefined) return true;
  if (comparator.eq !== undefined && value !== comparator.eq) return false;
  if (comparator.eqIgnoreCase !== undefined && value.toLowerCase() !== comparator.eqIgnoreCase.toLowerCase()) return false;
  return true;
}

function matchesUser(user: UserRecord, filter: UserFilter): boolean {
  return (
    matchesString(user.email, filter.email) &&
    matchesString(user.name, filter.name) &&
    matchesString(user.displayName, filter.displayName) &&
    (filter.and ?? []).every((f) => matchesUser(user, f)) &&
    (filter.or === undefined || filter.or.some((f) => matchesUser(user, f)))
  );
}

const labelFilter = z.strictObject({ team: z.strictObject({ null: z.literal(true) }) }).nullish();

// ── issue and comment inputs ─────────────────────────────────────────────────────────────────────────────────────

const issueFields = {
  title: z.string().nullish(),
  description: z.string().nullish(),
  assigneeId: z.string().nullish(),
  stateId: z.string().nullish(),
  priority: z.number().int().nullish(),
  labelIds: z.array(z.string()).nullish(),
};
const issueCreateInput = z.strictObject({ id: z.string().nullish(), teamId: z.string(), ...issueFields });
const issueUpdateInput = z.strictObject(issueFields);
const commentCreateInput = z.strictObject({ id: z.string().nullish(), issueId: z.string().nullish(), body: z.string().nullish() });

// ── the graph ────────────────────────────────────────────────────────────────────────────────────────────────────

export function linearRoot(store: WorkspaceStore): Node {
  let lastSyncId = 1000;

  const team = (record: TeamRecord): Node => ({
    id: record.id,
    key: record.key,
    name: record.name,
    members: lazyConnection('Team.members', () => store.teamMembers(record.id).map(user)),
    states: lazyConnection('Team.states', () => store.states(record.id).map(state)),
    labels: lazyConnection('Team.labels', () => store.labels({ teamId: record.id }).map(label)),
  });

  const user = (record: UserRecord): Node => ({ ...record });

  const state = (record: StateRecord): Node => ({ ...record, team: team(record.team) });

  const label = (record: LabelRecord): Node => ({ id: record.id, name: record.name, team: record.team === null ? null : team(record.team) });

  const issue = (record: IssueRecord): Node => ({
    id: record.id,
    identifier: record.identifier,
    number: record.number,
    title: record.title,
    description: record.description,
    url: record.url,
    priority: record.priority,
    priorityLabel: record.priorityLabel,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    team: team(record.team),
    state: state(record.state),
    assignee: record.assignee === null ? null : user(record.assignee),
    labels: lazyConnection('Issue.labels', () => record.labels.map(label)),
    comments: lazy((args) => {
      const { first } = parseArgs(plainConnection, args, 'Issue.comments');
      return connection(store.comments(record.id, first ?? 50).map(comment), first);
    }),
  });

  const comment = (record: CommentRecord): Node => ({
    id: record.id,
    body: record.body,
    url: record.url,
    createdAt: record.createdAt,
    user: record.user === null ? null : user(record.user),
    issue: lazy(() => issue(store.issue(record.issue.id))),
  });

  const idArg = z.strictObject({ id: z.string() });

  return {
    teams: lazyConnection('Query.teams', () => store.teams().map(team)),
    team: lazy((args) => team(store.team(parseArgs(idArg, args, 'Query.team').id))),
    users: lazy((args) => {
      const { first, filter } = parseArgs(z.strictObject({ ...connectionArgs, filter: userFilter.nullish() }), args, 'Query.users');
      return connection(
        store
          .users()
          .filter((u) => filter === undefined || filter === null || matchesUser(u, filter))
          .map(user),
        first,
      );
    }),
    workflowStates: lazyConnection('Query.workflowStates', () => store.states().map(state)),
    issueLabels: lazy((args) => {
      const { first, filter } = parseArgs(z.strictObject({ ...connectionArgs, filter: labelFilter }), args, 'Query.issueLabels');
      const scope = filter === undefined || filter === null ? {} : { teamId: null };
      return connection(store.labels(scope).map(label), first);
    }),
    issue: lazy((args) => issue(store.issue(parseArgs(idArg, args, 'Query.issue').id))),
    issues: lazy((args) => {
      const { first, filter, orderBy } = parseArgs(z.strictObject({ ...connectionArgs, filter: issueFilter }), args, 'Query.issues');
      return connection(store.issues({ ...toIssueQuery(filter), first: first ?? 50, orderBy }).map(issue), first);
    }),
    searchIssues: lazy((args) => {
      const { first, filter, term } = parseArgs(
        z.strictObject({ ...connectionArgs, filter: issueFilter, term: z.string() }),
        args,
        'Query.searchIssues',
      );
      return connection(store.issues({ ...toIssueQuery(filter), term, first: first ?? 50 }).map(issue), first);
    }),
    comment: lazy((args) => comment(store.comment(parseArgs(idArg, args, 'Query.comment').id))),

    issueCreate: lazy((args) => {
      const { input } = parseArgs(z.strictObject({ input: issueCreateInput }), args, 'Mutation.issueCreate');
      const created = store.createIssue(input);
      return { success: true, lastSyncId: ++lastSyncId, issue: issue(created) };
    }),
    issueUpdate: lazy((args) => {
      const { id, input } = parseArgs(z.strictObject({ id: z.string(), input: issueUpdateInput }), args, 'Mutation.issueUpdate');
      const updated = store.updateIssue(id, input);
      return { success: true, lastSyncId: ++lastSyncId, issue: issue(updated) };
    }),
    commentCreate: lazy((args) => {
      const { input } = parseArgs(z.strictObject({ input: commentCreateInput }), args, 'Mutation.commentCreate');
      const created = store.createComment(input);
      return { success: true, lastSyncId: ++lastSyncId, comment: comment(created) };
    }),
  };
}
