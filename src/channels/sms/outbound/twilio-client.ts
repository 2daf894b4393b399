// Sends one SMS through Twilio's REST API (Messages.json, basic auth with the account SID and auth token).
import { z } from 'zod';
import type { SmsConfig } from '../config.js';

export interface SmsSender {
  /** Resolves to the message's SID; rejects with the status when Twilio refused it. */
  send(to: string, body: string): Promise<string>;
}

const createdSchema = z.object({ sid: z.string() });

export function createTwilioSender(config: Pick<SmsConfig, 'apiUrl' | 'accountSid' | 'authToken' | 'fromNumber'>, fetchImpl: typeof fetch = fetch): SmsSender {
  const url = `${config.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken.reveal()}`).toString('base64')}`;
  return {
    async send(to, body) {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: to, From: config.fromNumber, Body: body }).toString(),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`twilio answered ${response.status}: ${text.slice(0, 200)}`);
      const parsed = createdSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error('twilio answered without a message sid');
      return parsed.data.sid;
    },
  };
}
