// The seed file of a local workspace (workspace.seed.json): its shape in zod, and loading it into an empty database.
// People are referenced by email, teams by key, states and labels by name, so the file stays readable; ids are
// fixed UUIDs so that tests, fixtures and prompts can name them.
import { readFileSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { HardwayError } from '../../core/errors.js';
import { inTransaction } from './database.js';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
// Issue and comment ids are what a client could have supplied, and Linear asks for those in v4 format.
const uuidV4 = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, 'must be a v4 UUID');
const instant = z.iso.datetime({ offset: true });
const email = z.email();

const labelSeed = z.strictObject({
  id: uuid,
  name: z.string().trim().min(1),
  color: z.string().regex(/^#[0-9a-f]{6}$/i).default('#95a2b3'),
});

const teamSeed = z.strictObject({
  id: uuid,
  key: z.string().regex(/^[A-Z][A-Z0-9]{0,6}$/, 'must be 1–7 capitals or digits, starting with a letter'),
  name: z.string().trim().min(1),
  members: z.array(email),
  /** In board order. */
  states: z
    .array(
      z.strictObject({
        id: uuid,
        name: z.string().trim().min(1),
        type: z.enum(['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled']),
      }),
    )
    .min(1),
  /** Where an issue created without a state lands; default the first backlog state. */
  defaultState: z.string().optional(),
  labels: z.array(labelSeed).default([]),
});

const commentSeed = z.strictObject({
  id: uuidV4,
  author: email,
  body: z.string().min(1),
  createdAt: instant,
});

const issueSeed = z.strictObject({
  id: uuidV4,
  team: z.string(),
  /** Default: the next number in the team. */
  number: z.number().int().positive().optional(),
  title: z.string().trim().min(1),
  description: z.string().optional(),
  state: z.string(),
  assignee: email.optional(),
  priority: z.number().int().min(0).max(4).default(0),
  labels: z.array(z.string()).default([]),
  createdAt: instant,
  updatedAt: instant.optional(),
  comments: z.array(commentSeed).default([]),
});

export const workspaceSeed = z.strictObject({
  organization: z.strictObject({
    name: z.string().trim().min(1),
    /** The workspace's segment in Linear URLs: https://linear.app/<urlKey>/issue/OPS-42 */
    urlKey: z.string().regex(/^[a-z0-9-]+$/),
  }),
  /** The user the API key belongs to: the author of comments added through the port. */
  viewer: email,
  /** When the workspace's teams and users were created. */
  createdAt: instant,
  users: z
    .array(
      z.strictObject({
        id: uuid,
        name: z.string().trim().min(1),
        displayName: z.string().trim().min(1).optional(),
        email,
        /** Deactivated users keep their issues but are no longer listed or assignable by name. */
        active: z.boolean().default(true),
      }),
    )
    .min(1),
  /** Workspace-wide labels, usable in every team. */
  labels: z.array(labelSeed).default([]),
  teams: z.array(teamSeed).min(1),
  issues: z.array(issueSeed).default([]),
});

export type WorkspaceSeed = z.infer<typeof workspaceSeed>;

export function readSeedFile(path: string): WorkspaceSeed {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HardwayError('config', `workspace seed ${path}: ${error instanceof Error ? error.message : String(error)}`, false, { cause: error });
  }
  const parsed = workspaceSeed.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new HardwayError('config', `workspace seed ${path}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function seedError(message: string): HardwayError {
  return new HardwayError('config', `workspace seed: ${message}`);
}

/** Whether the database holds nothing a seed would overwrite. */
export function isEmptyWorkspace(db: DatabaseSync): boolean {
  const row = z.object({ n: z.number() }).parse(db.prepare('SELECT (SELECT COUNT(*) FROM teams) + (SELECT COUNT(*) FROM users) AS n').get());
  return row.n === 0;
}

/** Loads the seed in one transaction; every reference is checked first, so a bad seed leaves the database empty. */
export function loadSeed(db: DatabaseSync, seed: WorkspaceSeed): void {
  const ids = new Set<string>();
  const unique = (id: string, where: string): void => {
    if (ids.has(id.toLowerCase())) throw seedError(`${where}: id ${id} is used twice`);
    ids.add(id.toLowerCase());
  };
  const users = new Map<string, string>();
  seed.users.forEach((u, i) => {
    unique(u.id, `users[${i}]`);
    if (users.has(u.email.toLowerCase())) throw seedError(`users[${i}]: email ${u.email} is used twice`);
    users.set(u.email.toLowerCase(), u.id);
  });
  const userId = (value: string, where: string): string => {
    const id = users.get(value.toLowerCase());
    if (id === undefined) throw seedError(`${where}: no user has the email ${value}`);
    return id;
  };
  const viewerId = userId(seed.viewer, 'viewer');
  seed.labels.forEach((l, i) => unique(l.id, `labels[${i}]`));
  const teams = new Map(seed.teams.map((t) => [t.key, t]));
  if (teams.size !== seed.teams.length) throw seedError('two teams share a key');
  for (const [i, t] of seed.teams.entries()) {
    unique(t.id, `teams[${i}]`);
    t.states.forEach((s, j) => unique(s.id, `teams[${i}].states[${j}]`));
    t.labels.forEach((l, j) => unique(l.id, `teams[${i}].labels[${j}]`));
    t.members.forEach((m, j) => userId(m, `teams[${i}].members[${j}]`));
    if (t.defaultState !== undefined && !t.states.some((s) => s.name === t.defaultState)) {
      throw seedError(`teams[${i}].defaultState: ${t.key} has no state named ${t.defaultState}`);
    }
  }

  const numbers = new Map<string, number>();
  const identifiers = new Set<string>();
  const issues = seed.issues.map((issue, i) => {
    const where = `issues[${i}]`;
    unique(issue.id, where);
    const team = teams.get(issue.team);
    if (team === undefined) throw seedError(`${where}.team: no team has the key ${issue.team}`);
    const state = team.states.find((s) => s.name === issue.state);
    if (state === undefined) throw seedError(`${where}.state: ${team.key} has no state named ${issue.state}`);
    const labelIds = issue.labels.map((name, j) => {
      const label = team.labels.find((l) => l.name === name) ?? seed.labels.find((l) => l.name === name);
      if (label === undefined) throw seedError(`${where}.labels[${j}]: ${team.key} has no label named ${name}`);
      return label.id;
    });
    const number = issue.number ?? (numbers.get(team.key) ?? 0) + 1;
    if (identifiers.has(`${team.key}-${number}`)) throw seedError(`${where}: ${team.key}-${number} is used twice`);
    identifiers.add(`${team.key}-${number}`);
    numbers.set(team.key, Math.max(number, numbers.get(team.key) ?? 0));
    const comments = issue.comments.map((c, j) => {
      unique(c.id, `${where}.comments[${j}]`);
      return { ...c, userId: userId(c.author, `${where}.comments[${j}].author`) };
    });
    return {
      ...issue,
      teamId: team.id,
      number,
      stateId: state.id,
      assigneeId: issue.assignee === undefined ? null : userId(issue.assignee, `${where}.assignee`),
      labelIds,
      comments,
    };
  });

  inTransaction(db, () => {
    const meta = db.prepare('INSERT INTO workspace_meta (key, value) VALUES (?, ?)');
    meta.run('organization_name', seed.organization.name);
    meta.run('url_key', seed.organization.urlKey);
    meta.run('viewer_id', viewerId);
    const insertUser = db.prepare('INSERT INTO users (id, name, display_name, email, active, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const u of seed.users) {
      const displayName = u.displayName ?? u.name.split(/\s+/)[0]?.toLowerCase() ?? u.name;
      insertUser.run(u.id, u.name, displayName, u.email, u.active ? 1 : 0, seed.createdAt);
    }
    const insertLabel = db.prepare('INSERT INTO labels (id, team_id, name, color) VALUES (?, ?, ?, ?)');
    for (const l of seed.labels) insertLabel.run(l.id, null, l.name, l.color);
    for (const t of seed.teams) {
      const defaultState = t.states.find((s) => s.name === t.defaultState)?.id ?? null;
      db.prepare('INSERT INTO teams (id, key, name, default_state_id, next_issue_number, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        t.id,
        t.key,
        t.name,
        defaultState,
        (numbers.get(t.key) ?? 0) + 1,
        seed.createdAt,
      );
      t.states.forEach((s, position) => {
        db.prepare('INSERT INTO workflow_states (id, team_id, name, type, position) VALUES (?, ?, ?, ?, ?)').run(s.id, t.id, s.name, s.type, position);
      });
      for (const l of t.labels) insertLabel.run(l.id, t.id, l.name, l.color);
      for (const m of t.members) db.prepare('INSERT INTO team_memberships (team_id, user_id) VALUES (?, ?)').run(t.id, userId(m, t.key));
    }
    const insertIssue = db.prepare(
      `INSERT INTO issues (id, team_id, number, title, description, state_id, assignee_id, priority, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertIssueLabel = db.prepare('INSERT INTO issue_labels (issue_id, label_id) VALUES (?, ?)');
    const insertComment = db.prepare('INSERT INTO comments (id, issue_id, user_id, body, created_at) VALUES (?, ?, ?, ?, ?)');
    for (const issue of issues) {
      const updatedAt = issue.updatedAt ?? issue.comments.at(-1)?.createdAt ?? issue.createdAt;
      insertIssue.run(
        issue.id,
        issue.teamId,
        issue.number,
        issue.title,
        issue.description ?? null,
        issue.stateId,
        issue.assigneeId,
        issue.priority,
        issue.createdAt,
        updatedAt,
      );
      for (const labelId of issue.labelIds) insertIssueLabel.run(issue.id, labelId);
      for (const c of issue.comments) insertComment.run(c.id, issue.id, c.userId, c.body, c.createdAt);
    }
  });
}
