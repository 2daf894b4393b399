// Agent activities in a Linear agent session (`agentActivityCreate`): what the assistant shows in Linear while it
// works. Each activity's id is chosen by us, so a post retried after a lost response asks for the same id; Linear
// refuses the second create and the lookup finds the first, which counts as posted.
import { z } from 'zod';
import { systemClock, type Clock } from '../core/ids.js';
import { LINEAR_API_URL, linearTransport, type LinearCredential } from './graphql-transport.js';
import { LinearError } from './linear-error.js';
import { linearDocument, type LinearDocument } from './operation.js';
import { realSleep, withRetries, type RetryPolicy, type Sleep } from './retry.js';

/** The content shapes Linear documents for an activity (https://linear.app/developers/agent-interaction). */
export type ActivityContent =
  | { type: 'thought'; body: string }
  | { type: 'action'; action: string; parameter: string; result?: string }
  | { type: 'elicitation'; body: string }
  | { type: 'response'; body: string }
  | { type: 'error'; body: string };

export interface AgentActivityPost {
  /** UUID v4 form, derived from what the activity reports (see `idempotentId`). */
  id: string;
  agentSessionId: string;
  content: ActivityContent;
}

export interface AgentActivities {
  /** `existed` when an activity with this id was already there: an earlier attempt landed. */
  create(post: AgentActivityPost, signal?: AbortSignal): Promise<'created' | 'existed'>;
}

export const agentActivityCreateDocument = linearDocument(
  'AgentActivityCreate',
  `mutation AgentActivityCreate($input: AgentActivityCreateInput!) {
  agentActivityCreate(input: $input) { success agentActivity { id } }
}`,
  z.object({ agentActivityCreate: z.object({ success: z.boolean(), agentActivity: z.object({ id: z.string() }) }) }),
);

export const agentActivityDocument = linearDocument(
  'AgentActivity',
  `query AgentActivity($id: String!) {
  agentActivity(id: $id) { id }
}`,
  z.object({ agentActivity: z.object({ id: z.string() }) }),
);

export const agentActivityDocuments: readonly LinearDocument<unknown>[] = [agentActivityCreateDocument, agentActivityDocument];

export interface AgentActivitiesOptions {
  credential: LinearCredential;
  apiUrl?: string;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  random?: () => number;
  sleep?: Sleep;
  clock?: Clock;
}

export function createAgentActivities(options: AgentActivitiesOptions): AgentActivities {
  const apiUrl = options.apiUrl ?? LINEAR_API_URL;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const policy: RetryPolicy = {
    retries: options.retries ?? 3,
    backoff: { baseMs: options.backoffMs ?? 250, maxMs: 2_000 },
    random: options.random ?? Math.random,
    budgetMs: 30_000,
    rateLimitMarginMs: 100,
    sleep: options.sleep ?? realSleep,
    clock,
  };

  const send = linearTransport({ credential: options.credential, apiUrl, timeoutMs, clock });

  async function exists(id: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await send(agentActivityDocument, { id }, signal);
      return true;
    } catch (error) {
      if (LinearError.isInstance(error, 'not_found')) return false;
      throw error;
    }
  }

  return {
    create(post, signal) {
      return withRetries(
        async () => {
          try {
            const reply = await send(agentActivityCreateDocument, { input: { id: post.id, agentSessionId: post.agentSessionId, content: post.content } }, signal);
            if (!reply.agentActivityCreate.success) throw new LinearError('server', 'agentActivityCreate answered success: false', { retryable: true });
            return 'created';
          } catch (error) {
            // Linear refuses a second activity with an id it has: the attempt whose answer was lost made it.
            if (LinearError.isInstance(error, 'invalid_input') && (await exists(post.id, signal))) return 'existed';
            throw error;
          }
        },
        policy,
        signal,
      );
    },
  };
}
