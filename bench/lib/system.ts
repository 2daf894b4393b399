// What the bench needs from each system under test. Hardway implements it in bench/lib/hardway-system.ts, the
// peers in bench/peers/*.ts (their own package, loaded only when installed).

export interface SystemContext {
  /** The stub model's base URL for this system (`http://127.0.0.1:<port>/<system>/v1`). */
  baseUrl: string;
  /** A fresh folder for the system's database files. */
  dir: string;
}

export interface StateSize {
  /** Rows of this thread's state in the system's own tables. */
  rows: number;
  /** Bytes of those rows: the sum of every column's length (what was written, before page overhead). */
  bytes: number;
}

export interface SystemInstance {
  /** Starts a thread on the scenario's email and runs it until it pauses for approval; state is in the store. */
  start(key: string): Promise<void>;
  /** Starts a thread on the one-step seed email and runs it to its final answer. */
  startSeed(key: string): Promise<void>;
  /** Starts a thread on figure 8's long email and runs its `steps` model steps to the final answer. */
  runLong(key: string, steps: number): Promise<void>;
  /** The human approves: load the thread from the store and run it to its final answer. */
  resume(key: string): Promise<void>;
  /** `keys.length` threads at once, each started, approved as soon as it pauses, and run to the end. */
  runConcurrently(keys: readonly string[]): Promise<void>;
  /** The thread's persisted state. */
  stateSize(key: string): Promise<StateSize>;
  /** Adds `count` copies of the (seed) thread `template` straight into the store's tables, in batches. */
  seedCopies(template: string, count: number, firstIndex: number): Promise<void>;
  close(): Promise<void>;
}

export interface BenchSystem {
  /** Short id: also the stub's path prefix. */
  id: string;
  /** Human name for the table. */
  name: string;
  /** Package versions that matter, for the table. */
  versions(): Record<string, string>;
  /** How the system's store commits (journal mode, fsync), for the caveats. */
  durability: string;
  /** What its state is, for the table. */
  stateDescription: string;
  open(context: SystemContext): Promise<SystemInstance>;
}

export function isBenchSystem(value: unknown): value is BenchSystem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof BenchSystem, unknown>>;
  return typeof v.id === 'string' && typeof v.name === 'string' && typeof v.open === 'function' && typeof v.versions === 'function';
}
