// The Slack Web API calls we make (`chat.postMessage`, `chat.update`, `views.open`), over fetch with the bot token; `ok: false` is an error.
import { z } from 'zod';
import { HardwayError } from '../../../core/errors.js';
import type { Secret } from '../../shared/secret.js';
import type { Block } from './blocks.js';

export interface PostMessage {
  channel: string;
  /** The Slack thread to answer in; absent, a new message in the channel. */
  threadTs?: string;
  /** The notification's plain text: what Slack shows in notifications and where blocks cannot be drawn. */
  text: string;
  blocks: Block[];
}

export interface UpdateMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Block[];
}

export interface SlackWebApi {
  /** The posted message's ts. */
  postMessage(message: PostMessage): Promise<string>;
  updateMessage(message: UpdateMessage): Promise<void>;
  /** Opens a modal for the person who just clicked (`trigger_id` lives a few seconds). */
  openView(triggerId: string, view: object): Promise<void>;
}

const replySchema = z.object({ ok: z.boolean(), ts: z.string().optional(), error: z.string().optional() });

export function createSlackWebApi(deps: { apiUrl: string; botToken: Secret; fetch?: typeof fetch }): SlackWebApi {
  const doFetch = deps.fetch ?? fetch;
  async function call(method: string, body: object): Promise<string | undefined> {
    let response: Response;
    try {
      response = await doFetch(`${deps.apiUrl}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${deps.botToken.reveal()}` },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new HardwayError('channel_delivery', `${method} failed: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
    }
    const reply = replySchema.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !reply.success || !reply.data.ok) {
      const why = reply.success ? (reply.data.error ?? 'not ok') : `HTTP ${response.status}`;
      throw new HardwayError('channel_delivery', `${method}: ${why}`, response.status === 429 || response.status >= 500);
    }
    return reply.data.ts;
  }

  return {
    async postMessage(message) {
      const ts = await call('chat.postMessage', { channel: message.channel, ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}), text: message.text, blocks: message.blocks });
      if (ts === undefined) throw new HardwayError('channel_delivery', 'chat.postMessage answered without a ts');
      return ts;
    },
    async updateMessage(message) {
      await call('chat.update', { channel: message.channel, ts: message.ts, text: message.text, blocks: message.blocks });
    },
    async openView(triggerId, view) {
      await call('views.open', { trigger_id: triggerId, view });
    },
  };
}
