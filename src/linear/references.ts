// How the forgiving references the model writes (team key, state name, label name, email) become Linear ids.
// Pure, and shared by both LinearPorts so they resolve identically. The rule: a UUID is used as is; a value that
// matches exactly one known key/name becomes its id; a value that matches nothing is passed on unchanged, so Linear
// answers it with its own error; a value that matches several is refused here, since guessing would be worse.
import { LinearError } from './linear-error.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** Issue identifiers look like `OPS-42`: a team key, a dash, the issue's number in that team. */
export function isIssueIdentifier(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*-\d+$/.test(value);
}

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

function pick<T extends { id: string }>(what: string, ref: string, matches: T[], describe: (m: T) => string): string {
  const first = matches[0];
  if (first === undefined) return ref;
  if (matches.length > 1) {
    throw new LinearError(
      'invalid_input',
      `${what} "${ref}" matches ${matches.length} (${matches.map(describe).join(', ')}); use one of their ids.`,
    );
  }
  return first.id;
}

export function resolveTeamRef(ref: string, teams: readonly { id: string; key: string; name: string }[]): string {
  if (isUuid(ref)) return ref;
  const byKey = teams.filter((t) => same(t.key, ref));
  const matches = byKey.length > 0 ? byKey : teams.filter((t) => same(t.name, ref));
  return pick('team', ref, matches, (t) => `${t.key} ${t.id}`);
}

export function resolveStateRef(ref: string, states: readonly { id: string; name: string }[]): string {
  if (isUuid(ref)) return ref;
  return pick('workflow state', ref, states.filter((s) => same(s.name, ref)), (s) => `${s.name} ${s.id}`);
}

/** A team's own label wins over a workspace-wide label of the same name, as it does in Linear's label picker. */
export function resolveLabelRef(ref: string, labels: readonly { id: string; name: string; team: unknown }[]): string {
  if (isUuid(ref)) return ref;
  const named = labels.filter((l) => same(l.name, ref));
  const own = named.filter((l) => l.team !== null);
  return pick('label', ref, own.length > 0 ? own : named, (l) => `${l.name} ${l.id}`);
}

/** Email first (unique in Linear), then full name, then display name. */
export function resolveUserRef(
  ref: string,
  users: readonly { id: string; name: string; displayName: string; email: string }[],
): string {
  if (isUuid(ref)) return ref;
  for (const field of ['email', 'name', 'displayName'] as const) {
    const matches = users.filter((u) => same(u[field], ref));
    if (matches.length > 0) return pick('user', ref, matches, (u) => `${u.email} ${u.id}`);
  }
  return ref;
}

/** Whether resolving these needs a lookup at all: UUIDs never do. */
export function needsLookup(...refs: (string | null | undefined | readonly string[])[]): boolean {
  return refs.some((ref) => {
    if (ref === null || ref === undefined) return false;
    if (typeof ref === 'string') return !isUuid(ref);
    return ref.some((r) => !isUuid(r));
  });
}

/** A search filter cannot pass an unknown reference on to Linear (a filter matches nothing rather than failing). */
export function requireResolved(what: 'team' | 'user', ref: string, resolved: string): string {
  if (isUuid(resolved)) return resolved;
  const hint = what === 'team' ? 'list_teams shows the teams' : 'list_users shows the users';
  throw new LinearError('invalid_input', `no ${what} matches "${ref}"; ${hint}.`);
}

/** Search result counts the model may ask for. */
export function searchLimit(limit: number | undefined): number {
  return Math.min(50, Math.max(1, Math.trunc(limit ?? 20)));
}
