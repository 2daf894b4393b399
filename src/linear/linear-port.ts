// LinearPort: the agent's only view of Linear, in compact plain JSON (just what the model needs to decide and cite).
//
// References are forgiving where Linear is not: a team may be given by UUID, key (`OPS`) or name; a workflow state
// by UUID or name (within the issue's team); a label by UUID or name; an assignee by UUID, exact email or name. A
// value that matches nothing known is passed to Linear unchanged, so Linear's own answer (e.g. `invalid input:
// teamId must be a UUID.`) reaches the model. Every failure is a `LinearError` (./linear-error.ts).
import type { OperationPort } from './linear-operations.js';

/** A person as the model sees them on an issue or in a team. */
export interface LinearUserRef {
  id: string;
  name: string;
  email: string;
}

export interface LinearUser extends LinearUserRef {
  displayName: string;
}

export interface LinearTeam {
  id: string;
  key: string;
  name: string;
  members: LinearUserRef[];
}

export interface LinearTeamRef {
  id: string;
  key: string;
}

/** `type` is Linear's: `triage`, `backlog`, `unstarted`, `started`, `completed` or `canceled`. */
export interface LinearWorkflowState {
  id: string;
  name: string;
  type: string;
  team: LinearTeamRef;
}

/** `team` is null for a workspace-wide label. */
export interface LinearLabel {
  id: string;
  name: string;
  team: LinearTeamRef | null;
}

/** One line of a search result: enough to pick an issue, not to read it. */
export interface LinearIssueSummary {
  id: string;
  /** e.g. `OPS-42` */
  identifier: string;
  title: string;
  url: string;
  team: LinearTeamRef;
  state: { id: string; name: string; type: string };
  assignee: LinearUserRef | null;
  /** 0 none, 1 urgent, 2 high, 3 medium, 4 low */
  priority: number;
  priorityLabel: string;
  /** Label names. */
  labels: string[];
  updatedAt: string;
}

export interface LinearIssue extends LinearIssueSummary {
  description: string | null;
  createdAt: string;
}

export interface LinearComment {
  id: string;
  body: string;
  url: string;
  /** The author's name; null for integrations and deleted users. */
  author: string | null;
  createdAt: string;
  issue: { id: string; identifier: string };
}

/** An issue with its most recent comments, oldest first. */
export interface LinearIssueDetail extends LinearIssue {
  comments: Omit<LinearComment, 'issue'>[];
}

export interface ReadOptions {
  signal?: AbortSignal;
}

export interface WriteOptions extends ReadOptions {
  /** The step's key: a retried step with the same key changes Linear at most once. */
  idempotencyKey: string;
}

export interface IssueSearch {
  /** Full-text terms; without it the most recently updated issues match. */
  query?: string;
  teamId?: string;
  assigneeId?: string;
  /** Exact state name, any case (e.g. `In Progress`). */
  stateName?: string;
  /** 1–50, default 20. */
  limit?: number;
}

export interface IssueDraft {
  title: string;
  description?: string;
  teamId: string;
  assigneeId?: string;
  stateId?: string;
  priority?: number;
  labelIds?: string[];
}

export interface IssueChanges {
  title?: string;
  description?: string;
  stateId?: string;
  /** null unassigns. */
  assigneeId?: string | null;
  priority?: number;
  /** Replaces the issue's labels. */
  labelIds?: string[];
}

/**
 * What the agent calls: one method per operation of ./linear-operations.ts, typed there. Its arguments and answers
 * are the types above; `ReadOptions` or `WriteOptions` come last.
 */
export type LinearPort = OperationPort;
