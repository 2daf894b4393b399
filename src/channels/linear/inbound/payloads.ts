// What Linear posts to the webhook, checked at the edge: the envelope every webhook has, and the
// `AgentSessionEvent` (schema type AgentSessionEventWebhookPayload) with only the fields this channel reads.
import { z } from 'zod';

/** Every Linear webhook: the signed timestamp first, so a stale delivery is refused before it is read further. */
export const envelopeSchema = z.object({ type: z.string(), webhookTimestamp: z.number() });

const user = z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional() });
export type LinearUser = z.infer<typeof user>;

const issue = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  description: z.string().nullish(),
  url: z.string().optional(),
});
export type SessionIssue = z.infer<typeof issue>;

export const agentSessionEventSchema = z.object({
  type: z.literal('AgentSessionEvent'),
  action: z.string(),
  webhookTimestamp: z.number(),
  organizationId: z.string().optional(),
  agentSession: z.object({
    id: z.string().min(1),
    issue: issue.nullish(),
    comment: z.object({ id: z.string(), body: z.string() }).nullish(),
    creator: user.nullish(),
  }),
  /** On `prompted`: what the person wrote in the session, or the `stop` signal. */
  agentActivity: z
    .object({
      id: z.string(),
      content: z.object({ type: z.string().optional(), body: z.string().optional() }).loose(),
      signal: z.string().nullish(),
      user: user.nullish(),
      userId: z.string().optional(),
    })
    .nullish(),
  /** Linear's own rendering of the issue, comments and guidance, sent on `created`. */
  promptContext: z.string().nullish(),
});
export type AgentSessionEvent = z.infer<typeof agentSessionEventSchema>;

/** JSON text as a value for a schema to check, or undefined when it is not JSON at all. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
