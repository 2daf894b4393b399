// What one Linear operation is: the port method it provides, once over Linear's API and once over the local
// workspace, and the GraphQL documents it sends. The operations are listed in ./linear-operations.ts; both ports
// are built by going through that table, so an operation's document, reply schema and local version live in its own
// file under ./operations/.
import type { z } from 'zod';
import type { LinearEntity } from './idempotent-id.js';
import { LinearError } from './linear-error.js';
import type { TeamContext } from './lookups.js';
import type { WorkspaceStore } from './local-workspace/workspace-store.js';

/** One GraphQL document and the zod schema of its `data` (Linear's reply is external input). */
export interface LinearDocument<R> {
  /** In errors and logs: `unexpected reply to issueDetail`. */
  readonly name: string;
  readonly text: string;
  readonly reply: z.ZodType<R>;
}

export const linearDocument = <R>(name: string, text: string, reply: z.ZodType<R>): LinearDocument<R> => ({ name, text, reply });

/** What an operation may use over Linear's API; error mapping, retries and timeouts are the SDK adapter's. */
export interface LinearApi {
  /** One round trip, no retries: for the steps of a create, which `createOnce` retries as a whole. */
  send<R>(document: LinearDocument<R>, variables: Record<string, unknown>, signal?: AbortSignal): Promise<R>;
  /** One document, retried per the policy: for reads, and for updates (which leave the same issue when repeated). */
  request<R>(document: LinearDocument<R>, variables: Record<string, unknown>, signal?: AbortSignal): Promise<R>;
  /** Look up the client-supplied id, create only if absent; retried as a whole. */
  createOnce<T>(find: () => Promise<T | undefined>, create: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Undefined when Linear says the entity does not exist; any other failure propagates. */
  absentIfNotFound<T>(lookup: Promise<T>): Promise<T | undefined>;
  resolveTeam(ref: string, signal?: AbortSignal): Promise<string>;
  resolveUser(ref: string, signal?: AbortSignal): Promise<string>;
  teamContext(teamId: string, signal?: AbortSignal): Promise<TeamContext>;
  /** The entity id derived from a step's idempotency key. */
  idFor(entity: LinearEntity, idempotencyKey: string): string;
}

/** The same over the local workspace, whose store answers synchronously and refuses in Linear's words. */
export interface LocalLinear {
  readonly store: WorkspaceStore;
  /** Runs store work as a port call: cancellable before it starts, refusals mapped like Linear's. */
  call<T>(signal: AbortSignal | undefined, work: () => T): Promise<T>;
  resolveTeam(ref: string): string;
  resolveUser(ref: string): string;
  teamContext(teamId: string): TeamContext;
  idFor(entity: LinearEntity, idempotencyKey: string): string;
}

export type PortMethod = (...args: never[]) => Promise<unknown>;

export interface LinearOperation<M extends PortMethod> {
  /** The documents only this operation sends; the shared lookups are in ./lookups.ts. All are checked against Linear's schema. */
  readonly documents: readonly LinearDocument<unknown>[];
  remote(api: LinearApi): M;
  local(workspace: LocalLinear): M;
}

export const linearOperation = <M extends PortMethod>(operation: LinearOperation<M>): LinearOperation<M> => operation;

/** `success: false` or a missing entity after a mutation: Linear accepted the request and did nothing. */
export function resultOf<T>(node: T | null, mutation: string): T {
  if (node === null) throw new LinearError('server', `${mutation} reported no result`, { retryable: false });
  return node;
}
