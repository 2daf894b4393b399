// A LinearPort backed by the project's own SQLite database: the Linear Assistant without a Linear account (demos,
// offline runs, tests). It resolves references, derives ids from idempotency keys and looks them up before creating
// exactly as the SDK adapter does, and fails with the same LinearErrors, because its store refuses in Linear's words.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../core/ids.js';
import { linearErrorFromReply } from '../error-mapping.js';
import { idempotentId, LINEAR_ID_NAMESPACE } from '../idempotent-id.js';
import { LinearError } from '../linear-error.js';
import type { IssueChanges, IssueDraft, IssueSearch, LinearPort, ReadOptions, WriteOptions } from '../linear-port.js';
import {
  isUuid,
  needsLookup,
  requireResolved,
  resolveLabelRef,
  resolveStateRef,
  resolveTeamRef,
  resolveUserRef,
  searchLimit,
} from '../references.js';
import {
  toComment,
  toIssue,
  toIssueDetail,
  toIssueSummary,
  toLabels,
  toTeamContext,
  toTeams,
  toUser,
  toWorkflowStates,
  type IssueNode,
  type TeamContext,
} from '../responses.js';
import { openWorkspaceDatabase } from './database.js';
import type { CommentRecord, IssueRecord } from './records.js';
import { isEmptyWorkspace, loadSeed, readSeedFile } from './seed.js';
import { WorkspaceError } from './workspace-error.js';
import { WorkspaceStore } from './workspace-store.js';

export interface LocalWorkspaceOptions {
  /** SQLite file, or `:memory:`. */
  file: string;
  /** A seed (workspace.seed.json), loaded only if the database holds no workspace yet. */
  seedFile?: string;
  clock?: Clock;
  /** Ids of entities created without a client-supplied id. */
  newId?: () => string;
  /** Namespace of the ids derived from idempotency keys; the SDK adapter's default. */
  idNamespace?: string;
}

export interface LocalWorkspace extends LinearPort {
  /** Linear's semantics without the resolution on top: what the Linear double serves. */
  readonly store: WorkspaceStore;
  /** Whether opening it loaded the seed. */
  readonly seeded: boolean;
  close(): void;
}

/** How many comments getIssue reads, as the adapter's IssueDetail document asks Linear for. */
const COMMENTS_READ = 50;

export function createLocalWorkspace(options: LocalWorkspaceOptions): LocalWorkspace {
  const clock = options.clock ?? systemClock;
  const namespace = options.idNamespace ?? LINEAR_ID_NAMESPACE;
  const db = openWorkspaceDatabase(options.file);
  let seeded = false;
  try {
    if (options.seedFile !== undefined && isEmptyWorkspace(db)) {
      loadSeed(db, readSeedFile(options.seedFile));
      seeded = true;
    }
  } catch (error) {
    db.close();
    throw error;
  }
  const store = new WorkspaceStore(db, { clock, newId: options.newId ?? randomUUID });

  /** Runs synchronous store work as a port call: cancellable before it starts, refusals mapped like Linear's. */
  async function call<T>(signal: AbortSignal | undefined, work: () => T): Promise<T> {
    if (signal?.aborted === true) throw new LinearError('timeout', 'the request was cancelled', { retryable: false });
    try {
      return work();
    } catch (error) {
      if (error instanceof WorkspaceError) throw linearErrorFromReply({ errors: [error.entry], status: error.httpStatus }, clock.now());
      throw error;
    }
  }

  const resolveTeam = (ref: string): string => (isUuid(ref) ? ref : resolveTeamRef(ref, store.teams()));
  const resolveUser = (ref: string): string => (isUuid(ref) ? ref : resolveUserRef(ref, store.users()));

  function teamContext(teamId: string): TeamContext {
    const team = store.team(teamId);
    const node = { ...team, states: { nodes: store.states(team.id) }, labels: { nodes: store.labels({ teamId: team.id }) } };
    return toTeamContext(node, store.labels({ teamId: null }));
  }

  return {
    store,
    seeded,
    close: () => db.close(),

    listTeams: ({ signal }: ReadOptions = {}) =>
      call(signal, () => toTeams({ teams: { nodes: store.teams().map((t) => ({ ...t, members: { nodes: store.teamMembers(t.id) } })) } })),

    listUsers: ({ teamId }: { teamId?: string } = {}, { signal }: ReadOptions = {}) =>
      call(signal, () => (teamId === undefined ? store.users() : store.teamMembers(resolveTeam(teamId))).map(toUser)),

    listWorkflowStates: ({ teamId }: { teamId?: string } = {}, { signal }: ReadOptions = {}) =>
      call(signal, () =>
        teamId === undefined ? toWorkflowStates({ workflowStates: { nodes: store.states() } }) : teamContext(resolveTeam(teamId)).states,
      ),

    listLabels: ({ teamId }: { teamId?: string } = {}, { signal }: ReadOptions = {}) =>
      call(signal, () => (teamId === undefined ? toLabels({ issueLabels: { nodes: store.labels() } }) : teamContext(resolveTeam(teamId)).labels)),

    searchIssues: (search: IssueSearch = {}, { signal }: ReadOptions = {}) =>
      call(signal, () => {
        const teamId = search.teamId === undefined ? undefined : requireResolved('team', search.teamId, resolveTeam(search.teamId));
        const assigneeId =
          search.assigneeId === undefined ? undefined : requireResolved('user', search.assigneeId, resolveUser(search.assigneeId));
        const found = store.issues({
          teamId,
          assigneeId,
          stateName: search.stateName,
          term: search.query,
          first: searchLimit(search.limit),
        });
        return found.map((issue) => toIssueSummary(issueNode(issue)));
      }),

    getIssue: (issueRef: string, { signal }: ReadOptions = {}) =>
      call(signal, () => {
        const issue = store.issue(issueRef);
        const comments = store.comments(issue.id, COMMENTS_READ);
        return toIssueDetail({ ...issueNode(issue), comments: { nodes: comments.map(commentNode) } });
      }),

    createIssue: (draft: IssueDraft, { idempotencyKey, signal }: WriteOptions) =>
      call(signal, () => {
        const teamId = resolveTeam(draft.teamId);
        const context = isUuid(teamId) && needsLookup(draft.stateId, draft.labelIds) ? teamContext(teamId) : undefined;
        const id = idempotentId('issue', idempotencyKey, namespace);
        const existing = store.findIssue(id);
        if (existing !== undefined) return toIssue(issueNode(existing));
        const created = store.createIssue({
          id,
          teamId,
          title: draft.title,
          description: draft.description,
          priority: draft.priority,
          assigneeId: draft.assigneeId === undefined ? undefined : resolveUser(draft.assigneeId),
          stateId: draft.stateId === undefined || context === undefined ? draft.stateId : resolveStateRef(draft.stateId, context.states),
          labelIds: draft.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
        });
        return toIssue(issueNode(created));
      }),

    updateIssue: (issueRef: string, changes: IssueChanges, { signal }: WriteOptions) =>
      call(signal, () => {
        const context = needsLookup(changes.stateId, changes.labelIds) ? teamContext(store.issue(issueRef).team.id) : undefined;
        const assignee = changes.assigneeId;
        const updated = store.updateIssue(issueRef, {
          title: changes.title,
          description: changes.description,
          priority: changes.priority,
          assigneeId: assignee === undefined || assignee === null ? assignee : resolveUser(assignee),
          stateId: changes.stateId === undefined || context === undefined ? changes.stateId : resolveStateRef(changes.stateId, context.states),
          labelIds: changes.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
        });
        return toIssue(issueNode(updated));
      }),

    addComment: (issueRef: string, body: string, { idempotencyKey, signal }: WriteOptions) =>
      call(signal, () => {
        const id = idempotentId('comment', idempotencyKey, namespace);
        const comment = store.findComment(id) ?? store.createComment({ id, issueId: issueRef, body });
        return toComment(commentNode(comment));
      }),
  };
}

/** A record in the shape of the adapter's IssueFields selection, so one mapping serves both ports. */
function issueNode(issue: IssueRecord): IssueNode {
  return { ...issue, labels: { nodes: issue.labels } };
}

function commentNode(comment: CommentRecord) {
  return { ...comment, user: comment.user === null ? null : { name: comment.user.name } };
}
