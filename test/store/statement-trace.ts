// Watches the database drivers themselves (node:sqlite statements, pg clients) to see what SQL a store sends.
import { DatabaseSync, StatementSync } from 'node:sqlite';
import pg from 'pg';

/** One statement a store ran, and how many rows it got back (0 for a write or a transaction command). */
export interface TracedStatement {
  sql: string;
  rows: number;
}

export interface Traced<T> {
  result: T;
  statements: TracedStatement[];
}

/** Every statement any node:sqlite connection in this process runs while `fn` runs. */
export async function traceSqlite<T>(fn: () => Promise<T>): Promise<Traced<T>> {
  const statements: TracedStatement[] = [];
  const restore = [
    replace(StatementSync.prototype, 'get', (s) => (row) => statements.push({ sql: s.sourceSQL, rows: row === undefined ? 0 : 1 })),
    replace(StatementSync.prototype, 'all', (s) => (rows) => statements.push({ sql: s.sourceSQL, rows: Array.isArray(rows) ? rows.length : 0 })),
    replace(StatementSync.prototype, 'run', (s) => () => statements.push({ sql: s.sourceSQL, rows: 0 })),
    replace(DatabaseSync.prototype, 'exec', (_db, [sql]) => () => statements.push({ sql: String(sql), rows: 0 })),
  ];
  try {
    return { result: await fn(), statements };
  } finally {
    for (const undo of restore) undo();
  }
}

/** Swaps a driver method for one that reports each call's result; returns the undo. */
function replace<O extends object>(
  target: O,
  key: keyof O & string,
  report: (self: O, args: unknown[]) => (result: unknown) => void,
): () => void {
  const original: unknown = Reflect.get(target, key);
  if (typeof original !== 'function') throw new Error(`${key} is not a method`);
  Reflect.set(target, key, function (this: O, ...args: unknown[]): unknown {
    const result: unknown = Reflect.apply(original, this, args);
    report(this, args)(result);
    return result;
  });
  return () => Reflect.set(target, key, original);
}

type Callback = (error: Error | null, result?: pg.QueryResult) => void;

const rowsOf = (result: unknown): number =>
  typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows) ? result.rows.length : 0;

/** Every query any pg client (pooled or not) in this process sends while `fn` runs, each a round trip. */
export async function tracePostgres<T>(fn: () => Promise<T>): Promise<Traced<T>> {
  const statements: TracedStatement[] = [];
  const client = pg.Client.prototype;
  const query = client.query;
  // pg-pool calls query with a callback, transactions await its promise: both are counted when they answer.
  const traced = function (this: pg.Client, ...args: unknown[]): unknown {
    const [first] = args;
    const entry: TracedStatement = {
      sql: typeof first === 'string' ? first : typeof first === 'object' && first !== null && 'text' in first ? String(first.text) : '?',
      rows: 0,
    };
    statements.push(entry);
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as Callback;
      const counting: Callback = (error, result) => {
        entry.rows = rowsOf(result);
        callback(error, result);
      };
      return Reflect.apply(query, this, [...args.slice(0, -1), counting]);
    }
    const answer: unknown = Reflect.apply(query, this, args);
    return answer instanceof Promise ? answer.then((result: unknown) => ((entry.rows = rowsOf(result)), result)) : answer;
  };
  client.query = traced as typeof query;
  try {
    return { result: await fn(), statements };
  } finally {
    client.query = query;
  }
}
