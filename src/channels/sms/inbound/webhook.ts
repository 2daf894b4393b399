// Inbound SMS from Twilio, mounted at /webhooks/sms: POST /twilio with a signed form body, answered with empty TwiML.
//
// The signature covers PUBLIC_URL + path and every form parameter, so it is checked before any of them is believed.
// Answers: 401 unsigned or badly signed, 400 malformed, 200 `<Response/>` for everything taken (duplicates and
// numbers we do not serve too, so Twilio neither retries nor texts anything back), 503 when the store failed.
// Only the write happens in the request: the model runs on the worker.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { Logger } from '../../../support/logger.js';
import type { SmsConfig } from '../config.js';
import type { SmsIntake } from './intake.js';
import { validTwilioSignature, type FormParams } from './twilio-signature.js';

export const TWILIO_SIGNATURE_HEADER = 'X-Twilio-Signature';
export const WEBHOOK_MOUNT = '/webhooks/sms';
export const TWILIO_PATH = '/twilio';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
// Twilio's parameters for one SMS (with media URLs) stay far below this.
const MAX_BYTES = 64 * 1024;

const smsSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-zA-Z]{32}$/, 'MessageSid must be SM or MM followed by 32 characters'),
  AccountSid: z.string().min(1),
  From: z.string().min(1),
  Body: z.string(),
});

export interface SmsWebhookDeps {
  intake: SmsIntake;
  config: Pick<SmsConfig, 'authToken' | 'publicUrl' | 'accountSid'>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

function failure(c: Context, status: ContentfulStatusCode, code: string, message: string, retry = false): Response {
  return c.json({ error: { code, message, retry } }, status);
}

export function createSmsWebhook(deps: SmsWebhookDeps): Hono {
  const { config, logger } = deps;
  const app = new Hono();
  const signedUrl = `${config.publicUrl}${WEBHOOK_MOUNT}${TWILIO_PATH}`;

  app.post(TWILIO_PATH, bodyLimit({ maxSize: MAX_BYTES, onError: (c) => failure(c, 413, 'too_large', 'the request is too large') }), async (c) => {
    const signature = c.req.header(TWILIO_SIGNATURE_HEADER);
    if (signature === undefined || signature.trim() === '') return failure(c, 401, 'unauthorized', `missing ${TWILIO_SIGNATURE_HEADER} header`);
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return failure(c, 400, 'malformed', 'Content-Type must be application/x-www-form-urlencoded');
    const params: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(await c.req.text())) (params[name] ??= []).push(value);
    const query = new URL(c.req.url).search;
    if (!validTwilioSignature(config.authToken, signature.trim(), `${signedUrl}${query}`, params as FormParams)) {
      logger.warn({}, 'twilio webhook: bad signature');
      return failure(c, 401, 'unauthorized', 'signature does not match');
    }
    const single = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
    const parsed = smsSchema.safeParse(single);
    if (!parsed.success) {
      return failure(c, 400, 'malformed', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    if (parsed.data.AccountSid !== config.accountSid) return failure(c, 401, 'unauthorized', 'the message is for another Twilio account');
    try {
      const outcome = await deps.intake.receive({ messageSid: parsed.data.MessageSid, from: parsed.data.From, body: parsed.data.Body });
      logger.info({ messageSid: parsed.data.MessageSid, outcome: outcome.kind }, 'sms received');
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'sms intake failed');
      return failure(c, 503, 'unavailable', 'the message could not be stored; retry later', true);
    }
    return c.body(EMPTY_TWIML, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
  });

  app.onError((error, c) => {
    logger.error({ error: error.message }, 'sms webhook failed');
    return failure(c, 500, 'internal', 'internal error', true);
  });
  return app;
}
