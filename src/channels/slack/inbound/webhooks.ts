// Slack over HTTP, mounted at /webhooks/slack: the Events API (`/events`) and interactivity (`/interactivity`).
//
// Both verify Slack's signature over the exact bytes before reading them as anything else, then only append
// through the intake (the worker runs the model later), so Slack gets its answer well inside its 3 s. Answers:
// 401 unsigned, badly signed or stale; 400 malformed; 200 accepted, duplicate or ignored (Slack must not retry
// those); 503 when our store failed (Slack retries, and the retry is deduplicated).
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Clock } from '../../../core/ids.js';
import type { Logger } from '../../../support/logger.js';
import type { SlackConfig } from '../config.js';
import type { SlackIntake, SlackOutcome } from './intake.js';
import { eventsEnvelopeSchema, interactionSchema, parseJson } from './payloads.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySlackSignature } from './signature.js';

export interface SlackWebhookDeps {
  intake: SlackIntake;
  config: Pick<SlackConfig, 'signingSecret'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** Slack's events are small; anything far larger is not from Slack. */
const MAX_BYTES = 256 * 1024;

function failure(c: Context, status: ContentfulStatusCode, code: string, message: string, retry = false): Response {
  return c.json({ error: { code, message, retry } }, status);
}

export function createSlackWebhooks(deps: SlackWebhookDeps): Hono {
  const { logger } = deps;
  const app = new Hono();
  const limit = bodyLimit({ maxSize: MAX_BYTES, onError: (c) => failure(c, 413, 'too_large', `the body is larger than ${MAX_BYTES} bytes`) });

  /** The raw body when the request is Slack's, or the refusal to send. */
  async function verified(c: Context): Promise<{ ok: true; body: Buffer } | { ok: false; response: Response }> {
    let body: Buffer;
    try {
      body = Buffer.from(await c.req.arrayBuffer());
    } catch {
      return { ok: false, response: failure(c, 400, 'malformed', 'the request body could not be read') };
    }
    const check = verifySlackSignature({
      secret: deps.config.signingSecret,
      timestamp: c.req.header(TIMESTAMP_HEADER),
      signature: c.req.header(SIGNATURE_HEADER),
      body,
      now: deps.clock.now(),
    });
    if (!check.ok) {
      logger.warn({ problem: check.problem }, 'slack webhook refused');
      return { ok: false, response: failure(c, 401, 'unauthorized', check.problem) };
    }
    return { ok: true, body };
  }

  async function deliver(c: Context, work: () => Promise<SlackOutcome>): Promise<Response> {
    let outcome: SlackOutcome;
    try {
      outcome = await work();
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'slack intake failed');
      return failure(c, 503, 'unavailable', 'the event could not be stored; retry later', true);
    }
    return c.json({ outcome }, 200);
  }

  app.post('/events', limit, async (c) => {
    const request = await verified(c);
    if (!request.ok) return request.response;
    const envelope = eventsEnvelopeSchema.safeParse(parseJson(request.body.toString('utf8')));
    if (!envelope.success) return failure(c, 400, 'malformed', 'not a Slack Events API envelope');
    const data = envelope.data;
    switch (data.type) {
      case 'url_verification':
        return c.json({ challenge: data.challenge }, 200);
      case 'event_callback': {
        const retry = c.req.header('X-Slack-Retry-Num');
        if (retry !== undefined) logger.info({ eventId: data.event_id, retry, reason: c.req.header('X-Slack-Retry-Reason') }, 'slack retried an event');
        return deliver(c, () => deps.intake.event(data.team_id, data.event));
      }
      default: {
        const unreachable: never = data;
        throw new Error(`unknown envelope ${JSON.stringify(unreachable)}`);
      }
    }
  });

  app.post('/interactivity', limit, async (c) => {
    const request = await verified(c);
    if (!request.ok) return request.response;
    const payload = new URLSearchParams(request.body.toString('utf8')).get('payload');
    const parsed = interactionSchema.safeParse(parseJson(payload ?? undefined));
    if (!parsed.success) return failure(c, 400, 'malformed', 'not a block_actions or view_submission payload in a payload= form field');
    const interaction = parsed.data;
    switch (interaction.type) {
      case 'block_actions':
        return deliver(c, () => deps.intake.action(interaction));
      case 'view_submission': {
        const response = await deliver(c, () => deps.intake.denyReason(interaction));
        // Slack closes the modal on an empty 200; any other body there is read as instructions for the modal.
        return response.status === 200 ? c.body(null, 200) : response;
      }
      default: {
        const unreachable: never = interaction;
        throw new Error(`unknown interaction ${JSON.stringify(unreachable)}`);
      }
    }
  });

  app.onError((error, c) => {
    logger.error({ error: error.message }, 'slack webhook failed');
    return failure(c, 500, 'internal', 'internal error', true);
  });

  return app;
}
