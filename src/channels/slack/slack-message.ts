// A Slack message as a thread keeps it: the core's `message_received` on channel `slack`, whose `meta` holds where it
// was posted (channel, ts, the Slack thread) so answers go back into the same Slack thread.
import { z } from 'zod';
import type { MessageReceived, ThreadEvent } from '../../core/events.js';
import type { Opening } from '../../core/human-input.js';

export const SLACK_CHANNEL = 'slack';

/** Delivery sources: inbound messages and approval clicks, and what we posted, each keyed `{channel}:{ts}`. */
export const INBOUND_SOURCE = 'slack';
export const OUTBOUND_SOURCE = 'slack-out';
export const ACTION_SOURCE = 'slack-action';

export interface SlackPlace {
  team: string;
  channel: string;
  /** The Slack thread answers are posted under: the root message's ts. */
  threadTs: string;
}

const placeMeta = z.object({ team: z.string(), channel: z.string(), threadTs: z.string() });

export const messageKey = (channel: string, ts: string): string => `${channel}:${ts}`;

export function slackOpening(input: { user: string; text: string; place: SlackPlace; ts: string }): Opening {
  return {
    kind: 'message',
    text: input.text,
    metadata: { messageId: messageKey(input.place.channel, input.ts) },
    meta: { team: input.place.team, channel: input.place.channel, threadTs: input.place.threadTs },
  };
}

/** Where the thread's first message was posted, when the thread started on Slack. */
export function slackPlaceOf(first: ThreadEvent | undefined): SlackPlace | undefined {
  if (first?.type !== 'message_received') return undefined;
  const data: MessageReceived = first.data;
  if (data.channel !== SLACK_CHANNEL) return undefined;
  const meta = placeMeta.safeParse(data.meta);
  return meta.success ? meta.data : undefined;
}

/** `{channel}:{ts}` back into its parts; undefined for anything else. */
export function parseMessageKey(key: string): { channel: string; ts: string } | undefined {
  const match = /^([A-Z0-9]+):(\d+\.\d+)$/.exec(key);
  return match?.[1] !== undefined && match[2] !== undefined ? { channel: match[1], ts: match[2] } : undefined;
}
