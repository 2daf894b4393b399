// Chooses the ThreadStore from DATABASE_URL: postgres:// → PostgreSQL; a path, `sqlite:…` or nothing → SQLite.
import { HardwayError } from '../core/errors.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { StoreDeps } from './store-deps.js';
import type { ThreadStore } from './thread-store.js';

export const defaultSqlitePath = './data/hardway.sqlite';

export interface OpenStoreOptions extends StoreDeps {
  /** Empty or absent: the embedded SQLite file at ./data/hardway.sqlite. */
  databaseUrl?: string;
  /** PostgreSQL only: connections in this process's pool (default 10). */
  poolSize?: number;
}

export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };

/** `sqlite:` accepts `sqlite:path`, `sqlite://relative`, `sqlite:///absolute` and `sqlite::memory:`. */
export function parseDatabaseUrl(databaseUrl: string | undefined): StoreLocation {
  const url = (databaseUrl ?? '').trim();
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (/^sqlite:/i.test(url)) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', path: path || defaultSqlitePath };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new HardwayError('config', `unsupported DATABASE_URL scheme in ${url.split('://')[0]}://… (use postgres:// or a SQLite path)`);
  }
  return { kind: 'sqlite', path: url || defaultSqlitePath };
}

export async function openStore(options: OpenStoreOptions): Promise<ThreadStore> {
  const { databaseUrl, poolSize, ...deps } = options;
  const location = parseDatabaseUrl(databaseUrl);
  switch (location.kind) {
    case 'postgres':
      return openPostgresStore({ ...deps, connectionString: location.url, ...(poolSize === undefined ? {} : { poolSize }) });
    case 'sqlite':
      return openSqliteStore({ ...deps, path: location.path });
    default: {
      const unreachable: never = location;
      throw new Error(`unknown store ${JSON.stringify(unreachable)}`);
    }
  }
}
