// A LinearPort backed by the project's own SQLite database: the Linear Assistant without a Linear account (demos,
// offline runs, tests). It resolves references, derives ids from idempotency keys and looks them up before creating
// exactly as the SDK adapter does, and fails with the same LinearErrors, because its store refuses in Linear's words.
// Each operation of ../linear-operations.ts brings its local version; this file only opens the store for them.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../core/ids.js';
import { linearErrorFromReply } from '../error-mapping.js';
import { idempotentId, LINEAR_ID_NAMESPACE } from '../idempotent-id.js';
import { LinearError } from '../linear-error.js';
import { bindOperations } from '../linear-operations.js';
import type { LinearPort } from '../linear-port.js';
import { toTeamContext } from '../lookups.js';
import type { LocalLinear } from '../operation.js';
import { isUuid, resolveTeamRef, resolveUserRef } from '../references.js';
import { openWorkspaceDatabase } from './database.js';
import { isEmptyWorkspace, loadSeed, readSeedFile } from './seed.js';
import { WorkspaceError } from './workspace-error.js';
import { WorkspaceStore } from './workspace-store.js';

export interface LocalWorkspaceOptions {
  /** SQLite file, or `:memory:`. */
  file: string;
  /** A seed (workspace.seed.json), loaded only if the database holds no workspace yet. */
  seedFile?: string;
  clock?: Clock;
  /** Ids of entities created without a client-supplied id. */
  newId?: () => string;
  /** Namespace of the ids derived from idempotency keys; the SDK adapter's default. */
  idNamespace?: string;
}

export interface LocalWorkspace extends LinearPort {
  /** Linear's semantics without the resolution on top: what the Linear double serves. */
  readonly store: WorkspaceStore;
  /** Whether opening it loaded the seed. */
  readonly seeded: boolean;
  close(): void;
}

export function createLocalWorkspace(options: LocalWorkspaceOptions): LocalWorkspace {
  const clock = options.clock ?? systemClock;
  const namespace = options.idNamespace ?? LINEAR_ID_NAMESPACE;
  const db = openWorkspaceDatabase(options.file);
  let seeded = false;
  try {
    if (options.seedFile !== undefined && isEmptyWorkspace(db)) {
      loadSeed(db, readSeedFile(options.seedFile));
      seeded = true;
    }
  } catch (error) {
    db.close();
    throw error;
  }
  const store = new WorkspaceStore(db, { clock, newId: options.newId ?? randomUUID });

  const workspace: LocalLinear = {
    store,
    async call(signal, work) {
      if (signal?.aborted === true) throw new LinearError('timeout', 'the request was cancelled', { retryable: false });
      try {
        return work();
      } catch (error) {
        if (error instanceof WorkspaceError) throw linearErrorFromReply({ errors: [error.entry], status: error.httpStatus }, clock.now());
        throw error;
      }
    },
    resolveTeam: (ref) => (isUuid(ref) ? ref : resolveTeamRef(ref, store.teams())),
    resolveUser: (ref) => (isUuid(ref) ? ref : resolveUserRef(ref, store.users())),
    teamContext(teamId) {
      const team = store.team(teamId);
      const node = { ...team, states: { nodes: store.states(team.id) }, labels: { nodes: store.labels({ teamId: team.id }) } };
      return toTeamContext(node, store.labels({ teamId: null }));
    },
    idFor: (entity, idempotencyKey) => idempotentId(entity, idempotencyKey, namespace),
  };

  return {
    ...bindOperations((operation) => operation.local(workspace)),
    store,
    seeded,
    close: () => db.close(),
  };
}
