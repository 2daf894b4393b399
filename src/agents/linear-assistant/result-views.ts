// How the Linear Assistant's tool results reach the model (lean profile): what its steps use — identifiers, titles,
// states, assignees, teams, urls, priorities, labels, the ids it passes on — without typenames, timestamps nobody
// asked for, or whole nested objects where a name or key says it. Lists are capped with a count and how to page.
// The stored `tool_succeeded` event keeps the whole result; only the rendering is lean.
import { isJsonObject, type Json, type JsonObject } from '../../core/json.js';
import type { IdAliases, RenderOptions, ResultView } from '../../core/render.js';

/** Issues one search result shows; `search_issues` with `offset` shows the rest. */
export const SEARCH_PAGE = 20;
/** Items any other list shows before it says how many it left out. */
export const LIST_CAP = 50;

const has = (o: JsonObject, key: string): boolean => Object.hasOwn(o, key) && o[key] !== undefined;

/** A nested reference as the one word the model uses: a state's or user's name, a team's key. */
function nameOf(value: Json | undefined): Json | undefined {
  if (!isJsonObject(value)) return value;
  const word = value.key ?? value.name;
  return word === undefined ? value : word;
}

function pick(o: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) {
    const v = o[key];
    if (has(o, key) && v !== undefined) out[key] = v;
  }
  return out;
}

const ISSUE_KEYS = ['identifier', 'title', 'state', 'assignee', 'team', 'priority', 'labels', 'url'] as const;

/**
 * An issue as the model reads it. The UUID is left out where the identifier is there (every tool takes either);
 * `detail` adds what only `get_issue` is asked for: the description and the comments.
 */
function issue(value: Json, detail: boolean): Json {
  if (!isJsonObject(value)) return value;
  const out = pick(value, has(value, 'identifier') ? ISSUE_KEYS : ['id', ...ISSUE_KEYS]);
  for (const key of ['state', 'assignee', 'team'] as const) if (has(out, key)) out[key] = nameOf(out[key]) ?? null;
  if (Array.isArray(out.labels)) out.labels = out.labels.map((l) => nameOf(l) ?? null);
  if (detail) {
    if (has(value, 'description')) out.description = value.description ?? null;
    if (Array.isArray(value.comments)) {
      out.comments = value.comments.map((c) => (isJsonObject(c) ? pick(c, ['author', 'body']) : c));
    }
  }
  return out;
}

/** A list longer than `cap` shows its first `cap` items and says how many it left out and how to see them. */
function capped(items: readonly Json[], cap: number, rest: (shown: number) => string): { items: Json[]; more?: string } {
  if (items.length <= cap) return { items: [...items] };
  return { items: items.slice(0, cap), more: `${items.length - cap} more not shown; ${rest(cap)}` };
}

/** `{ <key>: [...] }` with each item mapped and the list capped; anything else as it came. */
function list(key: string, item: (v: Json) => Json, cap: number, rest: (shown: number, args: JsonObject) => string): ResultView {
  return (result, args) => {
    if (!isJsonObject(result) || !Array.isArray(result[key])) return result;
    const { items, more } = capped(result[key].map(item), cap, (shown) => rest(shown, args));
    return more === undefined ? { [key]: items } : { [key]: items, more };
  };
}

const teamView = (t: Json): Json => {
  if (!isJsonObject(t)) return t;
  const out = pick(t, ['id', 'key', 'name']);
  // Members are users: their id and name are what an assignee needs (emails are in list_users).
  if (Array.isArray(t.members)) out.members = t.members.map((m) => (isJsonObject(m) ? pick(m, ['id', 'name']) : m));
  return out;
};

const userView = (u: Json): Json => {
  if (!isJsonObject(u)) return u;
  const out = pick(u, ['id', 'name', 'email', 'role']);
  if (has(u, 'displayName') && u.displayName !== u.name) out.displayName = u.displayName ?? null;
  // An inactive user is worth saying; an active one is every other user.
  if (u.active === false) out.active = false;
  return out;
};

const stateView = (s: Json): Json => (isJsonObject(s) ? { ...pick(s, ['id', 'name', 'type']), ...(has(s, 'team') ? { team: nameOf(s.team) ?? null } : {}) } : s);
const labelView = (l: Json): Json => (isJsonObject(l) ? { ...pick(l, ['id', 'name']), ...(has(l, 'team') ? { team: nameOf(l.team) ?? null } : {}) } : l);

const narrow = (shown: number): string => `the first ${shown} are shown; pass team_id to narrow the list`;

const issueIn = (key: string, detail: boolean): ResultView => (result) =>
  isJsonObject(result) && has(result, key) ? { ...result, [key]: issue(result[key] ?? null, detail) } : issue(result, detail);

export const linearResultViews: Readonly<Record<string, ResultView>> = {
  list_teams: list('teams', teamView, LIST_CAP, (shown) => `the first ${shown} are shown`),
  list_users: list('users', userView, LIST_CAP, narrow),
  list_workflow_states: list('states', stateView, LIST_CAP, narrow),
  list_labels: list('labels', labelView, LIST_CAP, narrow),
  search_issues: (result, args) => {
    const offset = typeof args.offset === 'number' ? args.offset : 0;
    const view = list('issues', (i) => issue(i, false), SEARCH_PAGE, (shown) => `search_issues with offset ${offset + shown} shows the next ones`);
    const shown = view(result, args);
    // A list that says nothing about more matches than it holds.
    return isJsonObject(shown) && isJsonObject(result) && result.hasMore === true ? { ...shown, hasMore: true } : shown;
  },
  get_issue: issueIn('issue', true),
  // A created or updated issue repeats the step's own draft: the model needs what Linear assigned (identifier, url, state).
  create_issue: issueIn('issue', false),
  update_issue: (result) =>
    isJsonObject(result) && Array.isArray(result.updated) ? { ...result, updated: result.updated.map((i) => issue(i, false)) } : result,
};

/** `{ <key>: [{ id, <field> }] }` → each id with its field, when both are strings. */
const aliasesBy = (key: string, field: string): IdAliases => (result) => {
  if (!isJsonObject(result) || !Array.isArray(result[key])) return [];
  return result[key].flatMap((item) => {
    const id = isJsonObject(item) ? item.id : undefined;
    const alias = isJsonObject(item) ? item[field] : undefined;
    return typeof id === 'string' && typeof alias === 'string' && alias !== '' ? [[id, alias] as const] : [];
  });
};

/**
 * Once the thread lists them, a step's team and user ids render as the team's key and the user's email: every
 * tool resolves those to the same ids (src/linear/references.ts), and the stored step keeps the UUIDs.
 */
export const linearIdAliases: Readonly<Record<string, IdAliases>> = {
  list_teams: aliasesBy('teams', 'key'),
  list_users: aliasesBy('users', 'email'),
};

/** The Linear Assistant's rendering: the lean profile with its result views and id aliases. */
export const linearAssistantRender: RenderOptions = { profile: 'lean', results: linearResultViews, aliases: linearIdAliases };
