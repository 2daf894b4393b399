// What Slack posts to us, checked at the edge: Events API envelopes and interactivity (button) payloads.
import { z } from 'zod';

export const slackEventSchema = z.object({
  type: z.string(),
  user: z.string().optional(),
  text: z.string().optional(),
  channel: z.string().optional(),
  channel_type: z.string().optional(),
  ts: z.string().optional(),
  thread_ts: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
});
export type SlackEvent = z.infer<typeof slackEventSchema>;

export const eventsEnvelopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string() }),
  z.object({ type: z.literal('event_callback'), team_id: z.string(), event_id: z.string().min(1), event: slackEventSchema }),
]);
export type EventsEnvelope = z.infer<typeof eventsEnvelopeSchema>;

export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string() }),
  user: z.object({ id: z.string() }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })).min(1),
  /** Lets us open a modal for a few seconds after the click (the deny reason). */
  trigger_id: z.string().optional(),
  /** Where the clicked message is: so it can be updated with the decision. */
  channel: z.object({ id: z.string() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
});
export type BlockActions = z.infer<typeof blockActionsSchema>;

export const DENY_REASON_VIEW = 'deny_reason';
export const REASON_BLOCK = 'reason';
export const REASON_INPUT = 'reason';

/** The deny-reason modal, submitted. */
export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  team: z.object({ id: z.string() }),
  user: z.object({ id: z.string() }),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

export const interactionSchema = z.discriminatedUnion('type', [blockActionsSchema, viewSubmissionSchema]);

/** What the deny-reason modal carries through Slack: the approval, and the message to update once decided. */
export const denyContextSchema = z.object({ thread: z.string(), call: z.string(), channel: z.string().optional(), ts: z.string().optional() });

/** What an approval button carries: the thread and the call it was shown for. */
export const approvalValueSchema = z.object({ thread: z.string(), call: z.string() });

export const APPROVE_ACTION = 'approve';
export const DENY_ACTION = 'deny';

/** JSON text as a value for a schema to check, or undefined when it is not JSON at all. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
