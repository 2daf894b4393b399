// The LinearPort over Linear's GraphQL API, through @linear/sdk's rawRequest and only our own documents: one round
// trip per document, every reply parsed with zod, every failure a LinearError, retries bounded. Each operation of
// ./linear-operations.ts is bound to this transport (LinearApi); what it sends and how it reads the reply is its own.
//
// Creates are idempotent: the issue or comment id is derived from the step's idempotency key and looked up before
// the create, so a step retried after a lost response finds what it made the first time instead of making another.
import { systemClock, type Clock } from '../core/ids.js';
import { LINEAR_API_URL, linearTransport } from './graphql-transport.js';
import { idempotentId, LINEAR_ID_NAMESPACE } from './idempotent-id.js';
import { LinearError } from './linear-error.js';
import { bindOperations } from './linear-operations.js';
import type { LinearPort } from './linear-port.js';
import { findUsersDocument, teamContextDocument, teamRefsDocument, toTeamContext } from './lookups.js';
import type { LinearApi, LinearDocument } from './operation.js';
import { isUuid, resolveTeamRef, resolveUserRef } from './references.js';
import { realSleep, withRetries, type RetryPolicy, type Sleep } from './retry.js';


export interface SdkLinearOptions {
  /** A personal API key, sent as Linear expects it: the raw key in `Authorization`, no `Bearer`. */
  apiKey: string;
  /** Default Linear's production endpoint; tests point it at the Linear double. */
  apiUrl?: string;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
  /** Extra attempts after a timeout, network or 5xx error. Default 2. */
  retries?: number;
  /** First backoff, doubling per retry up to 2 s, with jitter (the house backoff). Default 250 ms. */
  backoffMs?: number;
  /** The jitter's randomness. */
  random?: () => number;
  /**
   * The longest one call may spend waiting between attempts: a rate-limit reset or Retry-After within it is waited
   * for, a later one is reported at once. Default 30 s.
   */
  budgetMs?: number;
  /** Added to Linear's reset time against clock skew. Default 100 ms. */
  rateLimitMarginMs?: number;
  sleep?: Sleep;
  clock?: Clock;
  /** Namespace of the ids derived from idempotency keys. */
  idNamespace?: string;
}

export function createSdkLinear(options: SdkLinearOptions): LinearPort {
  const apiUrl = options.apiUrl ?? LINEAR_API_URL;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const clock = options.clock ?? systemClock;
  const namespace = options.idNamespace ?? LINEAR_ID_NAMESPACE;
  const policy: RetryPolicy = {
    retries: options.retries ?? 2,
    backoff: { baseMs: options.backoffMs ?? 250, maxMs: 2_000 },
    random: options.random ?? Math.random,
    budgetMs: options.budgetMs ?? 30_000,
    rateLimitMarginMs: options.rateLimitMarginMs ?? 100,
    sleep: options.sleep ?? realSleep,
    clock,
  };

  /** One round trip, no retries. */
  const send = linearTransport({ credential: { kind: 'apiKey', value: options.apiKey }, apiUrl, timeoutMs, clock });

  const request = <R>(document: LinearDocument<R>, variables: Record<string, unknown>, signal?: AbortSignal): Promise<R> =>
    withRetries(() => send(document, variables, signal), policy, signal);

  const api: LinearApi = {
    send,
    request,

    async resolveTeam(ref, signal) {
      if (isUuid(ref)) return ref;
      return resolveTeamRef(ref, (await request(teamRefsDocument, {}, signal)).teams.nodes);
    },

    async resolveUser(ref, signal) {
      if (isUuid(ref)) return ref;
      return resolveUserRef(ref, (await request(findUsersDocument, { value: ref }, signal)).users.nodes);
    },

    async teamContext(teamId, signal) {
      const data = await request(teamContextDocument, { teamId }, signal);
      return toTeamContext(data.team, data.workspaceLabels.nodes);
    },

    async absentIfNotFound(lookup) {
      try {
        return await lookup;
      } catch (error) {
        if (LinearError.isInstance(error, 'not_found')) return undefined;
        throw error;
      }
    },

    /**
     * Retried as a whole, so a retry after a lost response starts with the lookup. If the create itself is refused,
     * the id is looked up once more: a create that timed out earlier may have landed since, and Linear refuses a
     * second entity with that id.
     */
    createOnce(find, create, signal) {
      return withRetries(
        async () => {
          const existing = await find();
          if (existing !== undefined) return existing;
          try {
            return await create();
          } catch (error) {
            if (!LinearError.isInstance(error, 'invalid_input')) throw error;
            const landed = await find();
            if (landed !== undefined) return landed;
            throw error;
          }
        },
        policy,
        signal,
      );
    },

    idFor: (entity, idempotencyKey) => idempotentId(entity, idempotencyKey, namespace),
  };

  return bindOperations((operation) => operation.remote(api));
}
