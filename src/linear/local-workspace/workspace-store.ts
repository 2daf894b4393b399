// The local workspace with Linear's semantics: ids only (no names), Linear's validation and Linear's refusals
// (WorkspaceError), per-team issue numbers, client-supplied ids. The Linear double serves it over GraphQL; the local
// LinearPort puts the same name resolution on top that the SDK adapter puts on top of Linear.
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { z } from 'zod';
import type { Clock } from '../../core/ids.js';
import { isIssueIdentifier, isUuid } from '../references.js';
import { inTransaction } from './database.js';
import { rankBySearch } from './issue-search.js';
import {
  commentUrl,
  issueUrl,
  priorityLabel,
  type CommentRecord,
  type IssueRecord,
  type LabelRecord,
  type StateRecord,
  type TeamRecord,
  type UserRecord,
} from './records.js';
import { argumentValidationError, duplicateIdError, entityNotFoundError } from './workspace-error.js';

export interface IssueCreateFields {
  id?: string | null;
  teamId: string;
  title?: string | null;
  description?: string | null;
  assigneeId?: string | null;
  stateId?: string | null;
  priority?: number | null;
  labelIds?: readonly string[] | null;
}

export type IssueUpdateFields = Omit<IssueCreateFields, 'id' | 'teamId'>;

export interface CommentCreateFields {
  id?: string | null;
  issueId?: string | null;
  body?: string | null;
}

export interface IssueQuery {
  teamId?: string;
  assigneeId?: string;
  /** Exact, any case. */
  stateName?: string;
  /** Full-text terms; ranks the result instead of ordering it by date. */
  term?: string;
  first: number;
  orderBy?: 'createdAt' | 'updatedAt';
}

/** Which labels: all, the workspace-wide ones (`teamId: null`), or a team's own. */
export type LabelScope = { teamId?: string | null };

// Linear asks for client-supplied ids "in UUID v4 format".
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

const teamRow = z.object({ id: z.string(), key: z.string(), name: z.string() });
const userRow = z.object({ id: z.string(), name: z.string(), display_name: z.string(), email: z.string(), active: z.number() });
const stateRow = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  position: z.number(),
  team_id: z.string(),
  team_key: z.string(),
  team_name: z.string(),
});
const labelRow = z.object({
  id: z.string(),
  name: z.string(),
  team_id: z.string().nullable(),
  team_key: z.string().nullable(),
  team_name: z.string().nullable(),
});
const issueRow = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string().nullable(),
  priority: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  team_id: z.string(),
  team_key: z.string(),
  team_name: z.string(),
  state_id: z.string(),
  state_name: z.string(),
  state_type: z.string(),
  state_position: z.number(),
  assignee_id: z.string().nullable(),
  assignee_name: z.string().nullable(),
  assignee_display_name: z.string().nullable(),
  assignee_email: z.string().nullable(),
  assignee_active: z.number().nullable(),
});
const issueLabelRow = labelRow.extend({ issue_id: z.string() });
const commentRow = z.object({
  id: z.string(),
  body: z.string(),
  created_at: z.string(),
  issue_id: z.string(),
  user_id: z.string().nullable(),
});
const metaRow = z.object({ value: z.string() });
const countRow = z.object({ n: z.number() });

const issueSelect = /* SQL */ `
  SELECT i.id, i.number, i.title, i.description, i.priority, i.created_at, i.updated_at,
         t.id AS team_id, t.key AS team_key, t.name AS team_name,
         s.id AS state_id, s.name AS state_name, s.type AS state_type, s.position AS state_position,
         u.id AS assignee_id, u.name AS assignee_name, u.display_name AS assignee_display_name,
         u.email AS assignee_email, u.active AS assignee_active
    FROM issues i
    JOIN teams t ON t.id = i.team_id
    JOIN workflow_states s ON s.id = i.state_id
    LEFT JOIN users u ON u.id = i.assignee_id
`;

const labelSelect = /* SQL */ `
  SELECT l.id, l.name, lt.id AS team_id, lt.key AS team_key, lt.name AS team_name
    FROM labels l
    LEFT JOIN teams lt ON lt.id = l.team_id
`;

export interface WorkspaceStoreOptions {
  clock: Clock;
  /** For creates without a client-supplied id. */
  newId: () => string;
}

export class WorkspaceStore {
  constructor(
    readonly db: DatabaseSync,
    private readonly options: WorkspaceStoreOptions,
  ) {}

  // ── reads ────────────────────────────────────────────────────────────────────────────────────────────────────

  meta(key: 'url_key' | 'organization_name' | 'viewer_id'): string | undefined {
    const row = this.db.prepare('SELECT value FROM workspace_meta WHERE key = ?').get(key);
    return row === undefined ? undefined : metaRow.parse(row).value;
  }

  teams(): TeamRecord[] {
    return this.all(teamRow, 'SELECT id, key, name FROM teams ORDER BY name, key');
  }

  /** By UUID only, like Linear's `team(id:)`. */
  team(id: string): TeamRecord {
    const [team] = this.all(teamRow, 'SELECT id, key, name FROM teams WHERE id = ?', id);
    if (team === undefined) throw entityNotFoundError('Team');
    return team;
  }

  /** Active users, like Linear's `users` without `includeDisabled`. */
  users(): UserRecord[] {
    return this.all(userRow, 'SELECT * FROM users WHERE active = 1 ORDER BY name, email').map(toUser);
  }

  user(id: string): UserRecord | undefined {
    const [user] = this.all(userRow, 'SELECT * FROM users WHERE id = ?', id).map(toUser);
    return user;
  }

  teamMembers(teamId: string): UserRecord[] {
    this.team(teamId);
    const sql = `SELECT u.* FROM users u JOIN team_memberships m ON m.user_id = u.id
                  WHERE m.team_id = ? AND u.active = 1 ORDER BY u.name, u.email`;
    return this.all(userRow, sql, teamId).map(toUser);
  }

  states(teamId?: string): StateRecord[] {
    const sql = `SELECT s.id, s.name, s.type, s.position, t.id AS team_id, t.key AS team_key, t.name AS team_name
                   FROM workflow_states s JOIN teams t ON t.id = s.team_id
                  ${teamId === undefined ? '' : 'WHERE s.team_id = ?'}
                  ORDER BY t.key, s.position`;
    return this.all(stateRow, sql, ...(teamId === undefined ? [] : [teamId])).map(toState);
  }

  labels(scope: LabelScope = {}): LabelRecord[] {
    const where = scope.teamId === undefined ? '' : scope.teamId === null ? 'WHERE l.team_id IS NULL' : 'WHERE l.team_id = ?';
    const params = typeof scope.teamId === 'string' ? [scope.teamId] : [];
    return this.all(labelRow, `${labelSelect} ${where} ORDER BY l.name, lt.key`, ...params).map(toLabel);
  }

  /** By UUID or identifier (`OPS-42`), like Linear's `issue(id:)`. */
  issue(ref: string): IssueRecord {
    const issue = this.findIssue(ref);
    if (issue === undefined) throw entityNotFoundError('Issue');
    return issue;
  }

  findIssue(ref: string): IssueRecord | undefined {
    if (isUuid(ref)) return this.issuesWhere('i.id = ?', [ref])[0];
    if (!isIssueIdentifier(ref)) return undefined;
    const dash = ref.lastIndexOf('-');
    return this.issuesWhere('t.key = ? COLLATE NOCASE AND i.number = ?', [ref.slice(0, dash), Number(ref.slice(dash + 1))])[0];
  }

  issues(query: IssueQuery): IssueRecord[] {
    const conditions: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.teamId !== undefined) {
      conditions.push('i.team_id = ?');
      params.push(query.teamId);
    }
    if (query.assigneeId !== undefined) {
      conditions.push('i.assignee_id = ?');
      params.push(query.assigneeId);
    }
    if (query.stateName !== undefined) {
      conditions.push('s.name = ? COLLATE NOCASE');
      params.push(query.stateName);
    }
    const where = conditions.length === 0 ? '1 = 1' : conditions.join(' AND ');
    const order = query.orderBy === 'createdAt' ? 'i.created_at DESC, i.id' : 'i.updated_at DESC, i.id';
    const term = query.term?.trim() ?? '';
    if (term === '') return this.issuesWhere(`${where} ORDER BY ${order} LIMIT ?`, [...params, query.first]);
    return rankBySearch(this.issuesWhere(`${where} ORDER BY ${order}`, params), term).slice(0, query.first);
  }

  /** Newest first, as Linear orders a connection by default. */
  comments(issueId: string, first: number): CommentRecord[] {
    const issue = this.issue(issueId);
    const rows = this.all(commentRow, 'SELECT * FROM comments WHERE issue_id = ? ORDER BY created_at DESC, id LIMIT ?', issue.id, first);
    return rows.map((row) => this.toComment(row, issue));
  }

  findComment(id: string): CommentRecord | undefined {
    if (!isUuid(id)) return undefined;
    const [row] = this.all(commentRow, 'SELECT * FROM comments WHERE id = ?', id);
    return row === undefined ? undefined : this.toComment(row, this.issue(row.issue_id));
  }

  comment(id: string): CommentRecord {
    const comment = this.findComment(id);
    if (comment === undefined) throw entityNotFoundError('Comment');
    return comment;
  }

  count(table: 'teams' | 'users' | 'workflow_states' | 'labels' | 'issues' | 'comments'): number {
    return countRow.parse(this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()).n;
  }

  // ── writes ───────────────────────────────────────────────────────────────────────────────────────────────────

  createIssue(input: IssueCreateFields): IssueRecord {
    if (input.id !== undefined && input.id !== null && !uuidV4.test(input.id)) throw argumentValidationError('id must be a UUID.');
    if (!isUuid(input.teamId)) throw argumentValidationError('teamId must be a UUID.');
    const title = requireTitle(input.title);
    validateReferences(input);
    return inTransaction(this.db, () => {
      const team = this.team(input.teamId);
      const id = input.id ?? this.options.newId();
      if (this.findIssue(id) !== undefined) throw duplicateIdError('issue');
      const stateId = input.stateId ?? this.defaultStateId(team.id);
      this.checkState(stateId, team.id);
      if (input.assigneeId !== undefined && input.assigneeId !== null) this.checkUser(input.assigneeId);
      const labelIds = [...new Set(input.labelIds ?? [])];
      this.checkLabels(labelIds, team.id);
      const numberRow = this.db
        .prepare('UPDATE teams SET next_issue_number = next_issue_number + 1 WHERE id = ? RETURNING next_issue_number - 1 AS n')
        .get(team.id);
      const number = countRow.parse(numberRow).n;
      const now = this.options.clock.now().toISOString();
      this.db
        .prepare(
          `INSERT INTO issues (id, team_id, number, title, description, state_id, assignee_id, priority, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, team.id, number, title, input.description ?? null, stateId, input.assigneeId ?? null, input.priority ?? 0, now, now);
      this.setLabels(id, labelIds);
      return this.issue(id);
    });
  }

  updateIssue(ref: string, input: IssueUpdateFields): IssueRecord {
    validateReferences(input);
    const title = input.title === undefined || input.title === null ? undefined : requireTitle(input.title);
    return inTransaction(this.db, () => {
      const issue = this.issue(ref);
      if (input.stateId !== undefined && input.stateId !== null) this.checkState(input.stateId, issue.team.id);
      if (input.assigneeId !== undefined && input.assigneeId !== null) this.checkUser(input.assigneeId);
      const labelIds = input.labelIds === undefined || input.labelIds === null ? undefined : [...new Set(input.labelIds)];
      if (labelIds !== undefined) this.checkLabels(labelIds, issue.team.id);
      const sets: string[] = [];
      const params: SQLInputValue[] = [];
      const set = (column: string, value: SQLInputValue): void => {
        sets.push(`${column} = ?`);
        params.push(value);
      };
      if (title !== undefined) set('title', title);
      if (input.description !== undefined) set('description', input.description);
      if (input.stateId !== undefined && input.stateId !== null) set('state_id', input.stateId);
      if (input.assigneeId !== undefined) set('assignee_id', input.assigneeId);
      if (input.priority !== undefined && input.priority !== null) set('priority', input.priority);
      set('updated_at', this.options.clock.now().toISOString());
      this.db.prepare(`UPDATE issues SET ${sets.join(', ')} WHERE id = ?`).run(...params, issue.id);
      if (labelIds !== undefined) this.setLabels(issue.id, labelIds);
      return this.issue(issue.id);
    });
  }

  createComment(input: CommentCreateFields): CommentRecord {
    if (input.id !== undefined && input.id !== null && !uuidV4.test(input.id)) throw argumentValidationError('id must be a UUID.');
    if (input.issueId === undefined || input.issueId === null) throw argumentValidationError('issueId must be a string.');
    const body = input.body ?? '';
    if (body.trim() === '') throw argumentValidationError('body should not be empty.');
    const issueId = input.issueId;
    return inTransaction(this.db, () => {
      const issue = this.issue(issueId);
      const id = input.id ?? this.options.newId();
      if (this.findComment(id) !== undefined) throw duplicateIdError('comment');
      const now = this.options.clock.now().toISOString();
      this.db
        .prepare('INSERT INTO comments (id, issue_id, user_id, body, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, issue.id, this.meta('viewer_id') ?? null, body, now);
      return this.comment(id);
    });
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

  private all<T>(schema: z.ZodType<T>, sql: string, ...params: SQLInputValue[]): T[] {
    return this.db
      .prepare(sql)
      .all(...params)
      .map((row) => schema.parse(row));
  }

  private issuesWhere(where: string, params: SQLInputValue[]): IssueRecord[] {
    const rows = this.all(issueRow, `${issueSelect} WHERE ${where}`, ...params);
    if (rows.length === 0) return [];
    const labelRows = this.all(
      issueLabelRow,
      `SELECT il.issue_id, l.id, l.name, lt.id AS team_id, lt.key AS team_key, lt.name AS team_name
         FROM issue_labels il JOIN labels l ON l.id = il.label_id LEFT JOIN teams lt ON lt.id = l.team_id
        WHERE il.issue_id IN (SELECT value FROM json_each(?)) ORDER BY l.name`,
      JSON.stringify(rows.map((r) => r.id)),
    );
    const urlKey = this.meta('url_key') ?? 'local';
    return rows.map((row) => {
      const team = { id: row.team_id, key: row.team_key, name: row.team_name };
      const identifier = `${row.team_key}-${row.number}`;
      return {
        id: row.id,
        identifier,
        number: row.number,
        title: row.title,
        description: row.description,
        url: issueUrl(urlKey, identifier, row.title),
        priority: row.priority,
        priorityLabel: priorityLabel(row.priority),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        team,
        state: { id: row.state_id, name: row.state_name, type: row.state_type, position: row.state_position, team },
        assignee:
          row.assignee_id === null
            ? null
            : {
                id: row.assignee_id,
                name: row.assignee_name ?? '',
                displayName: row.assignee_display_name ?? '',
                email: row.assignee_email ?? '',
                active: row.assignee_active === 1,
              },
        labels: labelRows.filter((l) => l.issue_id === row.id).map(toLabel),
      };
    });
  }

  private toComment(row: z.infer<typeof commentRow>, issue: IssueRecord): CommentRecord {
    return {
      id: row.id,
      body: row.body,
      url: commentUrl(issue.url, row.id),
      createdAt: row.created_at,
      user: row.user_id === null ? null : (this.user(row.user_id) ?? null),
      issue: { id: issue.id, identifier: issue.identifier },
    };
  }

  /** The team's default state, else its first backlog state, else its first unstarted one, as Linear picks. */
  private defaultStateId(teamId: string): string {
    const row = this.db.prepare('SELECT default_state_id AS value FROM teams WHERE id = ?').get(teamId);
    const chosen = z.object({ value: z.string().nullable() }).parse(row).value;
    if (chosen !== null) return chosen;
    const states = this.states(teamId);
    const fallback = states.find((s) => s.type === 'backlog') ?? states.find((s) => s.type === 'unstarted') ?? states[0];
    if (fallback === undefined) throw argumentValidationError('The team has no workflow states.');
    return fallback.id;
  }

  private checkState(stateId: string, teamId: string): void {
    const state = this.states().find((s) => s.id === stateId);
    if (state === undefined) throw entityNotFoundError('WorkflowState');
    if (state.team.id !== teamId) throw argumentValidationError("stateId must be a workflow state of the issue's team.");
  }

  private checkUser(userId: string): void {
    if (this.user(userId) === undefined) throw entityNotFoundError('User');
  }

  private checkLabels(labelIds: readonly string[], teamId: string): void {
    const known = new Map(this.labels().map((l) => [l.id, l]));
    for (const id of labelIds) {
      const label = known.get(id);
      if (label === undefined) throw entityNotFoundError('IssueLabel');
      if (label.team !== null && label.team.id !== teamId) {
        throw argumentValidationError(`Label ${label.name} belongs to another team; use a label of the issue's team or a workspace label.`);
      }
    }
  }

  private setLabels(issueId: string, labelIds: readonly string[]): void {
    this.db.prepare('DELETE FROM issue_labels WHERE issue_id = ?').run(issueId);
    const insert = this.db.prepare('INSERT INTO issue_labels (issue_id, label_id) VALUES (?, ?)');
    for (const labelId of labelIds) insert.run(issueId, labelId);
  }
}

function toUser(row: z.infer<typeof userRow>): UserRecord {
  return { id: row.id, name: row.name, displayName: row.display_name, email: row.email, active: row.active === 1 };
}

function toState(row: z.infer<typeof stateRow>): StateRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    position: row.position,
    team: { id: row.team_id, key: row.team_key, name: row.team_name },
  };
}

function toLabel(row: z.infer<typeof labelRow>): LabelRecord {
  const team = row.team_id === null ? null : { id: row.team_id, key: row.team_key ?? '', name: row.team_name ?? '' };
  return { id: row.id, name: row.name, team };
}

function requireTitle(title: string | null | undefined): string {
  const trimmed = title?.trim() ?? '';
  if (trimmed === '') throw argumentValidationError('title should not be empty.');
  return trimmed;
}

/** Linear checks the shape of every id before looking any of them up. */
function validateReferences(input: IssueUpdateFields): void {
  if (input.assigneeId !== undefined && input.assigneeId !== null && !isUuid(input.assigneeId)) {
    throw argumentValidationError('assigneeId must be a UUID.');
  }
  if (input.stateId !== undefined && input.stateId !== null && !isUuid(input.stateId)) {
    throw argumentValidationError('stateId must be a UUID.');
  }
  if (input.labelIds !== undefined && input.labelIds !== null && input.labelIds.some((id) => !isUuid(id))) {
    throw argumentValidationError('each value in labelIds must be a UUID.');
  }
  const priority = input.priority;
  if (priority !== undefined && priority !== null) {
    if (!Number.isInteger(priority)) throw argumentValidationError('priority must be an integer number.');
    if (priority < 0) throw argumentValidationError('priority must not be less than 0.');
    if (priority > 4) throw argumentValidationError('priority must not be greater than 4.');
  }
}
