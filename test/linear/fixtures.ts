// Shared setup for the Linear tests: the repository's seed, and the two LinearPorts (the local workspace, and the SDK
// adapter talking to the Linear double) opened over fresh copies of it.
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../src/core/ids.js';
import { LinearError, type LinearErrorJson } from '../../src/linear/linear-error.js';
import type { LinearPort } from '../../src/linear/linear-port.js';
import { createLocalWorkspace, type LocalWorkspace } from '../../src/linear/local-workspace/local-workspace.js';
import { readSeedFile } from '../../src/linear/local-workspace/seed.js';
import type { WorkspaceStore } from '../../src/linear/local-workspace/workspace-store.js';
import { createSdkLinear, type SdkLinearOptions } from '../../src/linear/sdk-adapter.js';
import { startLinearDouble, type LinearDouble } from '../support/linear-double/linear-double.js';

export const seedFile = fileURLToPath(new URL('../../workspace.seed.json', import.meta.url));
export const seed = readSeedFile(seedFile);

export function seededTeam(key: string) {
  const team = seed.teams.find((t) => t.key === key);
  if (team === undefined) throw new Error(`no team ${key} in the seed`);
  return team;
}

export function seededUser(email: string) {
  const user = seed.users.find((u) => u.email === email);
  if (user === undefined) throw new Error(`no user ${email} in the seed`);
  return user;
}

/** Time stands still, so both ports stamp the same times and answers can be compared whole. */
export const fixedClock: Clock = { now: () => new Date('2026-03-02T09:00:00.000Z') };

export interface PortUnderTest {
  port: LinearPort;
  /** The workspace behind the port, to count what a call really changed. */
  store: WorkspaceStore;
  close(): Promise<void>;
}

export function openLocal(options: { clock?: Clock } = {}): PortUnderTest {
  const workspace = createLocalWorkspace({ file: ':memory:', seedFile, ...options });
  return { port: workspace, store: workspace.store, close: async () => workspace.close() };
}

export interface SdkUnderTest extends PortUnderTest {
  double: LinearDouble;
  workspace: LocalWorkspace;
}

/** Fast by default: short timeouts and backoffs, so fault tests take milliseconds. */
export async function openSdkOverDouble(
  options: Partial<SdkLinearOptions> & { workspaceClock?: Clock } = {},
): Promise<SdkUnderTest> {
  const { workspaceClock, ...adapterOptions } = options;
  const workspace = createLocalWorkspace({ file: ':memory:', seedFile, ...(workspaceClock === undefined ? {} : { clock: workspaceClock }) });
  const double = await startLinearDouble({ workspace });
  const port = createSdkLinear({ apiKey: double.apiKey, apiUrl: double.url, timeoutMs: 2_000, backoffMs: 5, ...adapterOptions });
  return {
    port,
    store: workspace.store,
    double,
    workspace,
    close: async () => {
      await double.close();
      workspace.close();
    },
  };
}

/** The LinearError a promise rejects with, as plain JSON (fails the test if it resolves or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<LinearErrorJson> {
  try {
    await promise;
  } catch (error) {
    if (LinearError.isInstance(error)) return error.toJSON();
    throw error;
  }
  throw new Error('expected the call to fail with a LinearError, but it succeeded');
}
