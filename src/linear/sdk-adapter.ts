// The LinearPort over Linear's GraphQL API, through @linear/sdk's rawRequest and only our own documents: one round
// trip per document, every reply parsed with zod, every failure a LinearError, retries bounded.
//
// Creates are idempotent: the issue or comment id is derived from the step's idempotency key and looked up before
// the create, so a step retried after a lost response finds what it made the first time instead of making another.
import { LinearClient } from '@linear/sdk';
import { systemClock, type Clock } from '../core/ids.js';
import { documents, type DocumentName } from './documents.js';
import { linearErrorFromFailure } from './error-mapping.js';
import { idempotentId, LINEAR_ID_NAMESPACE } from './idempotent-id.js';
import { LinearError } from './linear-error.js';
import type { IssueChanges, IssueDraft, IssueSearch, LinearPort, ReadOptions, WriteOptions } from './linear-port.js';
import {
  isUuid,
  needsLookup,
  requireResolved,
  resolveLabelRef,
  resolveStateRef,
  resolveTeamRef,
  resolveUserRef,
  searchLimit,
} from './references.js';
import {
  replySchemas,
  toComment,
  toIssue,
  toIssueDetail,
  toIssueSummary,
  toLabels,
  toTeamContext,
  toTeams,
  toUser,
  toWorkflowStates,
  type CommentNode,
  type IssueNode,
  type ResponseOf,
  type TeamContext,
} from './responses.js';
import { realSleep, withRetries, type RetryPolicy, type Sleep } from './retry.js';

export const LINEAR_API_URL = 'https://api.linear.app/graphql';

export interface SdkLinearOptions {
  /** A personal API key, sent as Linear expects it: the raw key in `Authorization`, no `Bearer`. */
  apiKey: string;
  /** Default Linear's production endpoint; tests point it at the Linear double. */
  apiUrl?: string;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
  /** Extra attempts after a timeout, network or 5xx error. Default 2. */
  retries?: number;
  /** First backoff, doubling per retry up to 2 s, with jitter (the house backoff). Default 250 ms. */
  backoffMs?: number;
  /** The jitter's randomness. */
  random?: () => number;
  /**
   * The longest one call may spend waiting between attempts: a rate-limit reset or Retry-After within it is waited
   * for, a later one is reported at once. Default 30 s.
   */
  budgetMs?: number;
  /** Added to Linear's reset time against clock skew. Default 100 ms. */
  rateLimitMarginMs?: number;
  sleep?: Sleep;
  clock?: Clock;
  /** Namespace of the ids derived from idempotency keys. */
  idNamespace?: string;
}

export function createSdkLinear(options: SdkLinearOptions): LinearPort {
  const apiUrl = options.apiUrl ?? LINEAR_API_URL;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const clock = options.clock ?? systemClock;
  const namespace = options.idNamespace ?? LINEAR_ID_NAMESPACE;
  const policy: RetryPolicy = {
    retries: options.retries ?? 2,
    backoff: { baseMs: options.backoffMs ?? 250, maxMs: 2_000 },
    random: options.random ?? Math.random,
    budgetMs: options.budgetMs ?? 30_000,
    rateLimitMarginMs: options.rateLimitMarginMs ?? 100,
    sleep: options.sleep ?? realSleep,
    clock,
  };

  /** One round trip, no retries. */
  async function send<K extends DocumentName>(name: K, variables: Record<string, unknown>, signal?: AbortSignal): Promise<ResponseOf<K>> {
    const deadline = AbortSignal.timeout(timeoutMs);
    // The SDK spreads its options into fetch's init, so a client per request is how each gets its own deadline.
    const client = new LinearClient({
      apiKey: options.apiKey,
      apiUrl,
      signal: signal === undefined ? deadline : AbortSignal.any([deadline, signal]),
    });
    let data: unknown;
    try {
      data = (await client.client.rawRequest(documents[name], variables)).data;
    } catch (error) {
      throw linearErrorFromFailure(error, { now: clock.now(), timeoutMs, timedOut: deadline.aborted });
    }
    const parsed = replySchemas[name].safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : ` at ${issue.path.join('.')}: ${issue.message}`;
      throw new LinearError('server', `unexpected reply to ${name}${where}`, { retryable: false });
    }
    return parsed.data;
  }

  /** One document, retried per the policy: for reads, and for updates (which leave the same issue when repeated). */
  const request = <K extends DocumentName>(name: K, variables: Record<string, unknown>, signal?: AbortSignal): Promise<ResponseOf<K>> =>
    withRetries(() => send(name, variables, signal), policy, signal);

  async function resolveTeam(ref: string, signal?: AbortSignal): Promise<string> {
    if (isUuid(ref)) return ref;
    return resolveTeamRef(ref, (await request('teamRefs', {}, signal)).teams.nodes);
  }

  async function resolveUser(ref: string, signal?: AbortSignal): Promise<string> {
    if (isUuid(ref)) return ref;
    return resolveUserRef(ref, (await request('findUsers', { value: ref }, signal)).users.nodes);
  }

  async function teamContext(teamId: string, signal?: AbortSignal): Promise<TeamContext> {
    const data = await request('teamContext', { teamId }, signal);
    return toTeamContext(data.team, data.workspaceLabels.nodes);
  }

  async function issueContext(issueRef: string, signal?: AbortSignal): Promise<TeamContext> {
    const data = await request('issueContext', { id: issueRef }, signal);
    return toTeamContext(data.issue.team, data.workspaceLabels.nodes);
  }

  /** Undefined when Linear says the entity does not exist; any other failure propagates. */
  async function absentIfNotFound<T>(lookup: Promise<T>): Promise<T | undefined> {
    try {
      return await lookup;
    } catch (error) {
      if (LinearError.isInstance(error, 'not_found')) return undefined;
      throw error;
    }
  }

  /**
   * Look up the client-supplied id, create only if absent. Retried as a whole, so a retry after a lost response
   * starts with the lookup. If the create itself is refused, the id is looked up once more: a create that timed
   * out earlier may have landed since, and Linear refuses a second entity with that id.
   */
  function createOnce<T>(find: () => Promise<T | undefined>, create: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetries(
      async () => {
        const existing = await find();
        if (existing !== undefined) return existing;
        try {
          return await create();
        } catch (error) {
          if (!LinearError.isInstance(error, 'invalid_input')) throw error;
          const landed = await find();
          if (landed !== undefined) return landed;
          throw error;
        }
      },
      policy,
      signal,
    );
  }

  async function createIssue(draft: IssueDraft, { idempotencyKey, signal }: WriteOptions) {
    const teamId = await resolveTeam(draft.teamId, signal);
    // An unresolved team is passed on as given, and then there is nothing to resolve state or label names against.
    const context = isUuid(teamId) && needsLookup(draft.stateId, draft.labelIds) ? await teamContext(teamId, signal) : undefined;
    const input = {
      id: idempotentId('issue', idempotencyKey, namespace),
      teamId,
      title: draft.title,
      description: draft.description,
      priority: draft.priority,
      assigneeId: draft.assigneeId === undefined ? undefined : await resolveUser(draft.assigneeId, signal),
      stateId: draft.stateId === undefined || context === undefined ? draft.stateId : resolveStateRef(draft.stateId, context.states),
      labelIds: draft.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
    };
    const node = await createOnce<IssueNode>(
      () => absentIfNotFound(send('issueById', { id: input.id }, signal).then((d) => d.issue)),
      async () => resultOf((await send('issueCreate', { input }, signal)).issueCreate.issue, 'issueCreate'),
      signal,
    );
    return toIssue(node);
  }

  async function updateIssue(issueRef: string, changes: IssueChanges, { signal }: WriteOptions) {
    const context = needsLookup(changes.stateId, changes.labelIds) ? await issueContext(issueRef, signal) : undefined;
    const assignee = changes.assigneeId;
    const input = {
      title: changes.title,
      description: changes.description,
      priority: changes.priority,
      assigneeId: assignee === undefined || assignee === null ? assignee : await resolveUser(assignee, signal),
      stateId: changes.stateId === undefined || context === undefined ? changes.stateId : resolveStateRef(changes.stateId, context.states),
      labelIds: changes.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
    };
    // Setting the same fields twice leaves the same issue, so an update is retried like a read.
    const data = await request('issueUpdate', { id: issueRef, input }, signal);
    return toIssue(resultOf(data.issueUpdate.issue, 'issueUpdate'));
  }

  async function addComment(issueRef: string, body: string, { idempotencyKey, signal }: WriteOptions) {
    const id = idempotentId('comment', idempotencyKey, namespace);
    const node = await createOnce<CommentNode>(
      () => absentIfNotFound(send('commentById', { id }, signal).then((d) => d.comment)),
      async () => (await send('commentCreate', { input: { id, issueId: issueRef, body } }, signal)).commentCreate.comment,
      signal,
    );
    return toComment(node);
  }

  async function searchIssues(search: IssueSearch = {}, { signal }: ReadOptions = {}) {
    const filter: Record<string, unknown> = {};
    if (search.teamId !== undefined) {
      filter.team = { id: { eq: requireResolved('team', search.teamId, await resolveTeam(search.teamId, signal)) } };
    }
    if (search.assigneeId !== undefined) {
      filter.assignee = { id: { eq: requireResolved('user', search.assigneeId, await resolveUser(search.assigneeId, signal)) } };
    }
    if (search.stateName !== undefined) filter.state = { name: { eqIgnoreCase: search.stateName } };
    const first = searchLimit(search.limit);
    const term = search.query?.trim() ?? '';
    const nodes =
      term === ''
        ? (await request('issues', { filter, first }, signal)).issues.nodes
        : (await request('searchIssues', { term, filter, first }, signal)).searchIssues.nodes;
    return nodes.map(toIssueSummary);
  }

  return {
    async listTeams({ signal }: ReadOptions = {}) {
      return toTeams(await request('teams', {}, signal));
    },

    async listUsers({ teamId }: { teamId?: string } = {}, { signal }: ReadOptions = {}) {
      if (teamId === undefined) return (await request('users', {}, signal)).users.nodes.map(toUser);
      const team = await request('teamMembers', { teamId: await resolveTeam(teamId, signal) }, signal);
      return team.team.members.nodes.map(toUser);
    },

    async listWorkflowStates({ teamId }: { teamId?: string } = {}, { signal }: ReadOptions = {}) {
      if (teamId === undefined) return toWorkflowStates(await request('workflowStates', {}, signal));
      return (await teamContext(await resolveTeam(teamId, signal), signal)).states;
    },

    async listLabels({ teamId }: { teamId?: string } = {}, { signal }: ReadOptions = {}) {
      if (teamId === undefined) return toLabels(await request('labels', {}, signal));
      return (await teamContext(await resolveTeam(teamId, signal), signal)).labels;
    },

    searchIssues,

    async getIssue(issueRef: string, { signal }: ReadOptions = {}) {
      return toIssueDetail((await request('issueDetail', { id: issueRef }, signal)).issue);
    },

    createIssue,
    updateIssue,
    addComment,
  };
}

/** `success: false` or a missing entity after a mutation: Linear accepted the request and did nothing. */
function resultOf<T>(node: T | null, mutation: string): T {
  if (node === null) throw new LinearError('server', `${mutation} reported no result`, { retryable: false });
  return node;
}
