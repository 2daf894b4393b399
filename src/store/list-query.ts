// The list query both stores run: a live lease reads as `running`, filters, newest first with the id as tiebreak.
import type { ThreadStatus } from '../core/thread.js';
import { HardwayError } from '../core/errors.js';
import type { ListPosition } from './cursor.js';

export interface ListQueryInput {
  id?: string;
  status?: ThreadStatus;
  agent?: string;
  terms?: readonly string[];
  /** One of `terms` with few threads (see `rarestTerm`): the query starts from its threads instead of the newest. */
  driveBy?: string;
  after?: ListPosition;
  limit: number;
  /** ISO time: leases expiring after it are live. */
  now: string;
}

/** How a dialect spells the n-th (1-based) parameter, and a parameter compared with a timestamp column. */
export interface Dialect {
  param(n: number): string;
  timestamp(param: string): string;
}

export function listQuery(input: ListQueryInput, dialect: Dialect): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [];
  const add = (value: string | number): string => {
    params.push(value);
    return dialect.param(params.length);
  };
  const now = dialect.timestamp(add(input.now));
  const live = `(lease_token IS NOT NULL AND lease_expires_at > ${now})`;
  const where: string[] = [];
  if (input.status === 'running') where.push(live);
  // The derived status column is only what a thread reports when nobody holds it.
  else if (input.status !== undefined) where.push(`status = ${add(input.status)}`, `NOT ${live}`);
  if (input.id !== undefined) where.push(`id = ${add(input.id)}`);
  if (input.agent !== undefined) where.push(`agent = ${add(input.agent)}`);
  // A rare term's few threads are fetched and sorted; a common one is checked per thread while walking the newest
  // first, which finds a page within a few rows. Either way each check is one probe of the (term, thread_id) key.
  for (const term of input.terms ?? []) {
    if (term === input.driveBy) where.push(`id IN (SELECT thread_id FROM thread_terms WHERE term = ${add(term)})`);
    else where.push(`EXISTS (SELECT 1 FROM thread_terms WHERE term = ${add(term)} AND thread_id = threads.id)`);
  }
  if (input.after !== undefined) {
    where.push(`(updated_at, id) < (${dialect.timestamp(add(input.after.updatedAt))}, ${add(input.after.id)})`);
  }
  const sql = [
    `SELECT id, agent, last_seq, created_at, updated_at, CASE WHEN ${live} THEN 'running' ELSE status END AS status`,
    'FROM threads',
    where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    `ORDER BY updated_at DESC, id DESC LIMIT ${add(input.limit)}`,
  ].join(' ');
  return { sql, params };
}

export function listTerms(terms: readonly string[]): string[] {
  if (terms.length > 10) throw new HardwayError('invalid_input', `at most 10 search terms, got ${terms.length}`);
  return [...new Set(terms)];
}

/** Below this many threads a term drives the search; at or above it, walking the newest threads finds a page sooner. */
export const rareTermThreads = 2000;

/** Counts a term's threads, up to the bound, through its key: cheap whatever the term. Its one parameter is the term. */
export function termCountSql(dialect: Dialect): string {
  return `SELECT CAST(count(*) AS integer) AS n FROM (SELECT 1 FROM thread_terms WHERE term = ${dialect.param(1)} LIMIT ${rareTermThreads}) AS bounded`;
}

/** The term to drive by: the one with the fewest threads, if it is rare. */
export async function rarestTerm(terms: readonly string[], count: (term: string) => Promise<number>): Promise<string | undefined> {
  let best: { term: string; n: number } | undefined;
  for (const term of terms) {
    const n = await count(term);
    if (n < rareTermThreads && (best === undefined || n < best.n)) best = { term, n };
  }
  return best?.term;
}
