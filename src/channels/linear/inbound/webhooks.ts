// Linear over HTTP, mounted at /webhooks/linear: agent session events from the Linear app's webhook, and `Issue`
// data webhooks (a new issue of a triaged team starts the triage agent).
//
// The signature is checked over the exact bytes before anything is read, then the signed `webhookTimestamp`; the
// request only appends through the intake (the worker runs the model later), so Linear gets its answer at once.
// Answers: 401 unsigned, badly signed or stale; 400 malformed; 200 accepted, duplicate or ignored (Linear must not
// retry those); 503 when our store failed (Linear retries, and the retry is deduplicated).
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Clock } from '../../../core/ids.js';
import type { Logger } from '../../../support/logger.js';
import type { LinearChannelConfig } from '../config.js';
import type { LinearIntake, LinearOutcome } from './intake.js';
import { issueWebhookSchema } from './issue-created.js';
import { agentSessionEventSchema, envelopeSchema, parseJson } from './payloads.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyLinearSignature, verifyWebhookTimestamp } from './signature.js';

export interface LinearWebhookDeps {
  intake: LinearIntake;
  config: Pick<LinearChannelConfig, 'webhookSecret'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** A session event carries the issue and Linear's prompt context: generous, but bounded. */
const MAX_BYTES = 1024 * 1024;

function failure(c: Context, status: ContentfulStatusCode, code: string, message: string, retry = false): Response {
  return c.json({ error: { code, message, retry } }, status);
}

export function createLinearWebhooks(deps: LinearWebhookDeps): Hono {
  const { logger } = deps;
  const app = new Hono();
  const limit = bodyLimit({ maxSize: MAX_BYTES, onError: (c) => failure(c, 413, 'too_large', `the body is larger than ${MAX_BYTES} bytes`) });

  app.post('/', limit, async (c) => {
    let body: Buffer;
    try {
      body = Buffer.from(await c.req.arrayBuffer());
    } catch {
      return failure(c, 400, 'malformed', 'the request body could not be read');
    }
    const signed = verifyLinearSignature({ secret: deps.config.webhookSecret, signature: c.req.header(SIGNATURE_HEADER), body });
    if (!signed.ok) {
      logger.warn({ problem: signed.problem }, 'linear webhook refused');
      return failure(c, 401, 'unauthorized', signed.problem);
    }
    const json = parseJson(body.toString('utf8'));
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) return failure(c, 400, 'malformed', 'not a Linear webhook with a webhookTimestamp');
    const fresh = verifyWebhookTimestamp(envelope.data.webhookTimestamp, deps.clock.now());
    if (!fresh.ok) {
      logger.warn({ problem: fresh.problem }, 'linear webhook refused');
      return failure(c, 401, 'unauthorized', fresh.problem);
    }
    if (envelope.data.type === 'Issue') {
      const issue = issueWebhookSchema.safeParse(json);
      if (!issue.success) return failure(c, 400, 'malformed', 'not an Issue webhook');
      return answer(c, () => deps.intake.issue(issue.data));
    }
    if (envelope.data.type !== 'AgentSessionEvent') {
      return c.json({ outcome: { kind: 'ignored', reason: 'not_an_agent_session_event' } satisfies LinearOutcome }, 200);
    }
    const event = agentSessionEventSchema.safeParse(json);
    if (!event.success) return failure(c, 400, 'malformed', 'not an AgentSessionEvent');
    return answer(c, () => deps.intake.event(event.data, c.req.header(DELIVERY_HEADER) || undefined));
  });

  async function answer(c: Context, receive: () => Promise<LinearOutcome>): Promise<Response> {
    let outcome: LinearOutcome;
    try {
      outcome = await receive();
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'linear intake failed');
      return failure(c, 503, 'unavailable', 'the event could not be stored; retry later', true);
    }
    return c.json({ outcome }, 200);
  }

  app.onError((error, c) => {
    logger.error({ error: error.message }, 'linear webhook failed');
    return failure(c, 500, 'internal', 'internal error', true);
  });

  return app;
}
