// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, start on a free 127.0.0.1 port, remove on stop.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface TestPostgres {
  /** A database created for this cluster. */
  url: string;
  /** Creates another empty database and returns its URL (one per test keeps tests independent). */
  createDatabase(): Promise<string>;
  /** The server's pid (its backends are its children): for measuring what the cluster costs in CPU. */
  postmasterPid(): number | undefined;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** fsync and synchronous commit on, as in production (the bench's scale-out figure); off by default for tests. */
  durable?: boolean;
}

const serverTools = ['initdb', 'pg_ctl', 'postgres'];
const hasServerTools = (dir: string): boolean => serverTools.every((tool) => existsSync(join(dir, tool)));

/**
 * Where initdb/pg_ctl/postgres live. `pg_config` (libpq-dev) may be present without the server, so its answer is
 * checked; Debian puts the server in /usr/lib/postgresql/<major>/bin, off PATH. (The initdb/pg_ctl/postgres in
 * /usr/local/bin on some machines are only symlinks into that folder.)
 */
export function findPostgresBinDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dir && hasServerTools(dir)) return dir;
  } catch {
    // No pg_config on PATH: look in the distribution's folder.
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions.map((v) => join(root, v, 'bin')).find(hasServerTools);
}

/**
 * Whether the PostgreSQL tests can run. In CI a missing server is a failure, not a skip: a green run must mean
 * the Postgres store was tested.
 */
export function postgresAvailable(): boolean {
  if (findPostgresBinDir() !== undefined) return true;
  const message = 'PostgreSQL server binaries (initdb, pg_ctl) not found: install them with `apt-get install -y postgresql`';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!!!!!!!\n!!! SKIPPING the PostgreSQL store tests. ${message}.\n!!!!!!!!\n`);
  return false;
}


/** Runs a server tool, as the `postgres` OS user when we are root: postgres refuses to run as root. */
function run(bin: string, args: string[], asPostgres: boolean): void {
  const [command, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  }
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const binDir = findPostgresBinDir();
  if (binDir === undefined) throw new Error('PostgreSQL server binaries not found');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'hardway-pg-'));
  const dataDir = join(dir, 'data');
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const pgCtl = join(binDir, 'pg_ctl');
  let started = false;
  const stopNow = (): void => {
    if (started) {
      const stop = [pgCtl, 'stop', '-D', dataDir, '-m', 'immediate'];
      const [command = pgCtl, ...args] = asRoot ? ['runuser', '-u', 'postgres', '--', ...stop] : stop;
      spawnSync(command, args, { stdio: 'ignore' });
    }
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies without its afterAll must not leave a postmaster behind.
  process.once('exit', stopNow);
  try {
    run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync'], asRoot);
    let port = 0;
    // The port is free when asked but may be taken before postgres binds it: try a few.
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        `-k ${dir}`,
        `-c listen_addresses=127.0.0.1`,
        // Durability is the server's job in production; a test cluster is thrown away.
        ...(options.durable === true ? [] : ['-c fsync=off -c synchronous_commit=off -c full_page_writes=off']),
        '-c max_connections=300',
      ].join(' ');
      try {
        run(pgCtl, ['-w', '-t', '60', '-D', dataDir, '-l', join(dir, 'server.log'), '-o', serverOptions, 'start'], asRoot);
        started = true;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    const base = `postgres://postgres@127.0.0.1:${port}`;
    let n = 0;
    const createDatabase = async (): Promise<string> => {
      const name = `hardway_${++n}`;
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    };
    const url = await createDatabase();
    return {
      url,
      createDatabase,
      postmasterPid: () => {
        try {
          const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
          return Number.isInteger(pid) ? pid : undefined;
        } catch {
          return undefined;
        }
      },
      stop: async () => {
        process.removeListener('exit', stopNow);
        stopNow();
      },
    };
  } catch (error) {
    process.removeListener('exit', stopNow);
    stopNow();
    throw error;
  }
}
