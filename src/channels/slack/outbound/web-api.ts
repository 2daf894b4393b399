// The one Slack Web API call we make, `chat.postMessage`, over fetch with the bot token; Slack's `ok: false` is an error.
import { z } from 'zod';
import { HardwayError } from '../../../core/errors.js';
import type { Secret } from '../../shared/secret.js';
import type { Block } from './blocks.js';

export interface PostMessage {
  channel: string;
  threadTs: string;
  /** The notification's plain text: what Slack shows in notifications and where blocks cannot be drawn. */
  text: string;
  blocks: Block[];
}

export interface SlackWebApi {
  /** The posted message's ts. */
  postMessage(message: PostMessage): Promise<string>;
}

const replySchema = z.object({ ok: z.boolean(), ts: z.string().optional(), error: z.string().optional() });

export function createSlackWebApi(deps: { apiUrl: string; botToken: Secret; fetch?: typeof fetch }): SlackWebApi {
  const doFetch = deps.fetch ?? fetch;
  return {
    async postMessage(message) {
      let response: Response;
      try {
        response = await doFetch(`${deps.apiUrl}/chat.postMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${deps.botToken.reveal()}` },
          body: JSON.stringify({ channel: message.channel, thread_ts: message.threadTs, text: message.text, blocks: message.blocks }),
        });
      } catch (error) {
        throw new HardwayError('channel_delivery', `chat.postMessage failed: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
      }
      const reply = replySchema.safeParse(await response.json().catch(() => undefined));
      if (!response.ok || !reply.success || !reply.data.ok || reply.data.ts === undefined) {
        const why = reply.success ? (reply.data.error ?? 'no ts') : `HTTP ${response.status}`;
        throw new HardwayError('channel_delivery', `chat.postMessage: ${why}`, response.status === 429 || response.status >= 500);
      }
      return reply.data.ts;
    },
  };
}
