// Inbound email over HTTP, mounted at /webhooks/email: Postmark's JSON and a signed raw-MIME endpoint.
//
// Both authenticate the caller before reading the body as anything but bytes, then hand raw MIME to the same
// pipeline IMAP uses. Answers: 401 unauthenticated, 400 malformed, 413 too large, 200 duplicate or dropped (the
// sender must not retry those), 202 accepted, 503 when our store failed (retry later). Nothing throws out.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { EmailConfig } from '../config.js';
import type { EmailIntake, InboundEmail, IntakeOutcome } from './intake.js';
import type { ChannelLogger } from '../logger.js';
import { postmarkInboundSchema, postmarkToRaw } from './postmark.js';
import { hmacSha256, safeEqual } from '../../shared/signing.js';

export type WebhookConfig = Pick<EmailConfig, 'webhookSecret' | 'postmarkToken' | 'postmarkBasicAuth' | 'maxBytes'>;

export interface EmailWebhookDeps {
  intake: EmailIntake;
  config: WebhookConfig;
  logger: ChannelLogger;
}

export const SIGNATURE_HEADER = 'X-Signature-256';

function failure(c: Context, status: ContentfulStatusCode, code: string, message: string, retry = false): Response {
  return c.json({ error: { code, message, retry } }, status);
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function createEmailWebhooks(deps: EmailWebhookDeps): Hono {
  const { config, logger } = deps;
  const app = new Hono();
  const tooLarge = (c: Context) => failure(c, 413, 'too_large', `the message is larger than ${config.maxBytes} bytes`);

  async function deliver(c: Context, mail: InboundEmail): Promise<Response> {
    let outcome: IntakeOutcome;
    try {
      outcome = await deps.intake.receive(mail);
    } catch (error) {
      logger.error({ source: mail.source, error: error instanceof Error ? error.message : String(error) }, 'email intake failed');
      return failure(c, 503, 'unavailable', 'the message could not be stored; retry later', true);
    }
    switch (outcome.kind) {
      case 'started':
      case 'resumed':
        return c.json({ outcome }, 202);
      case 'duplicate':
        return c.json({ outcome }, 200);
      case 'dropped':
        if (outcome.reason === 'too_large') return tooLarge(c);
        if (outcome.reason === 'malformed') return failure(c, 400, 'malformed', outcome.detail ?? 'malformed message');
        return c.json({ outcome: { kind: outcome.kind, reason: outcome.reason } }, 200);
      default: {
        const unreachable: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
      }
    }
  }

  app.post('/raw', bodyLimit({ maxSize: config.maxBytes, onError: tooLarge }), async (c) => {
    const secret = config.webhookSecret;
    if (secret === undefined) {
      logger.error({}, 'raw email webhook called but EMAIL_WEBHOOK_SECRET is not set');
      return failure(c, 401, 'unauthorized', 'this endpoint is not configured');
    }
    const header = c.req.header(SIGNATURE_HEADER);
    if (header === undefined) return failure(c, 401, 'unauthorized', `missing ${SIGNATURE_HEADER} header`);
    const given = /^sha256=([0-9a-f]{64})$/i.exec(header.trim())?.[1]?.toLowerCase();
    if (given === undefined) return failure(c, 401, 'unauthorized', `${SIGNATURE_HEADER} must be sha256=<64 hex digits>`);
    let raw: Buffer;
    try {
      raw = Buffer.from(await c.req.arrayBuffer());
    } catch {
      return failure(c, 400, 'malformed', 'the request body could not be read');
    }
    // Signed over the exact bytes received: verified before anything looks inside them.
    if (!safeEqual(given, hmacSha256(secret, raw).toString('hex'))) {
      logger.warn({ bytes: raw.length }, 'raw email webhook: bad signature');
      return failure(c, 401, 'unauthorized', 'signature does not match');
    }
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'message/rfc822') return failure(c, 400, 'malformed', 'Content-Type must be message/rfc822');
    if (raw.length === 0) return failure(c, 400, 'malformed', 'the body is empty');
    return deliver(c, { raw, source: 'raw-webhook' });
  });

  // Postmark sends JSON with attachments in base64 (4/3 of their size) plus the text twice: allow for that.
  const postmarkLimit = Math.ceil(config.maxBytes * 1.5) + 64 * 1024;

  app.post('/postmark', bodyLimit({ maxSize: postmarkLimit, onError: tooLarge }), async (c) => {
    if (!postmarkAuthorized(c, config)) {
      logger.warn({}, 'postmark webhook: unauthorized');
      return failure(c, 401, 'unauthorized', 'missing or wrong credentials');
    }
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return failure(c, 400, 'malformed', 'the body is not JSON');
    }
    const parsed = postmarkInboundSchema.safeParse(json);
    if (!parsed.success) return failure(c, 400, 'malformed', zodMessage(parsed.error));
    let raw: Buffer;
    try {
      raw = await postmarkToRaw(parsed.data);
    } catch (error) {
      return failure(c, 400, 'malformed', `could not build a message: ${error instanceof Error ? error.message : String(error)}`);
    }
    return deliver(c, { raw, source: 'postmark' });
  });

  app.onError((error, c) => {
    logger.error({ error: error.message }, 'email webhook failed');
    return failure(c, 500, 'internal', 'internal error', true);
  });

  return app;
}

/** Either configured credential admits the call: `?token=` or basic auth, each compared in constant time. */
function postmarkAuthorized(c: Context, config: WebhookConfig): boolean {
  let ok = false;
  const token = c.req.query('token');
  if (config.postmarkToken !== undefined && token !== undefined) ok = safeEqual(token, config.postmarkToken.reveal()) || ok;
  const authorization = c.req.header('Authorization');
  if (config.postmarkBasicAuth !== undefined && authorization !== undefined) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
    const decoded = m?.[1] === undefined ? '' : Buffer.from(m[1], 'base64').toString('utf8');
    ok = safeEqual(decoded, config.postmarkBasicAuth.reveal()) || ok;
  }
  return ok;
}
