// /v1/threads: launch, list, inspect, read the model's contexts, and resume with a response, an approval or a retry.
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { HardwayError } from '../../core/errors.js';
import type { ThreadEvent } from '../../core/events.js';
import type { ThreadId } from '../../core/ids.js';
import { renderThread } from '../../core/render.js';
import { foldState } from '../../core/state.js';
import { noHumanIntents } from '../../core/thread.js';
import { stepUsages, usageTotals, type StepUsageLine } from '../../core/usage-totals.js';
import type { ThreadService } from '../../runtime/thread-service.js';
import type { HumanInput, Sender } from '../../core/human-input.js';
import type { RegisteredAgent } from '../../runtime/agent-module.js';
import type { Delivery, ThreadStore } from '../../store/thread-store.js';
import { errorResponse, zodMessage } from '../errors.js';
import { contextList, idempotencyKey, launchBody, listQuery, responseBody, seqParam, stepPrompt, threadDetail, threadIdParam } from '../schemas.js';

/** The channel name recorded on what arrives through the API. */
export const API_CHANNEL = 'api';

export interface ThreadRoutesDeps {
  store: ThreadStore;
  service: ThreadService;
  agents: ReadonlyMap<string, RegisteredAgent>;
}

async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HardwayError('invalid_input', 'body must be a JSON object (Content-Type: application/json)');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HardwayError('invalid_input', zodMessage(parsed.error));
  return parsed.data;
}

/** Per model step and in total, in the API's snake_case. */
function usageOf(events: readonly ThreadEvent[]): z.infer<typeof threadDetail>['usage'] {
  const lines = stepUsages(events);
  const step = ({ seq, eventId, usage: u }: StepUsageLine) => ({
    seq,
    event_id: eventId,
    model: u.model,
    input_tokens: u.inputTokens,
    cached_input_tokens: u.cachedInputTokens ?? null,
    cache_write_tokens: u.cacheWriteTokens ?? null,
    output_tokens: u.outputTokens,
    cost_usd: u.costUsd ?? null,
    latency_ms: u.latencyMs,
  });
  const t = usageTotals(lines);
  return {
    steps: lines.map(step),
    total: {
      steps: t.steps,
      input_tokens: t.inputTokens,
      cached_input_tokens: t.cachedInputTokens,
      cache_write_tokens: t.cacheWriteTokens,
      output_tokens: t.outputTokens,
      cost_usd: t.costUsd,
    },
  };
}

/** What a person sent through the API, as the intake takes it. `by` and `from` name them; the token vouches. */
function toInput(body: z.infer<typeof responseBody>): { from: Sender; input: HumanInput } {
  const from = (id: string | undefined): Sender => ({ channel: API_CHANNEL, ...(id ? { id } : {}) });
  switch (body.type) {
    case 'response':
      return { from: from(body.from), input: { kind: 'answer', text: body.message } };
    case 'message':
      return { from: from(body.from), input: { kind: 'message', text: body.message } };
    case 'approval':
      return { from: from(body.by), input: { kind: 'decision', approve: body.approved, ...(body.comment ? { reason: body.comment } : {}) } };
    case 'retry':
      return { from: from(body.by), input: { kind: 'retry' } };
    default: {
      const unreachable: never = body;
      throw new Error(`unknown response ${JSON.stringify(unreachable)}`);
    }
  }
}

function deliveryOf(c: Context): Delivery | undefined {
  const header = c.req.header('idempotency-key');
  if (header === undefined) return undefined;
  const parsed = idempotencyKey.safeParse(header);
  if (!parsed.success) throw new HardwayError('invalid_input', `Idempotency-Key: ${zodMessage(parsed.error)}`);
  return { source: API_CHANNEL, id: parsed.data };
}

function threadIdFrom(c: Context): ThreadId {
  const parsed = threadIdParam.safeParse(c.req.param('id'));
  if (!parsed.success) throw new HardwayError('thread_not_found', `no thread ${c.req.param('id') ?? ''}`);
  return parsed.data as ThreadId;
}

export function threadRoutes(deps: ThreadRoutesDeps): Hono {
  const app = new Hono();

  app.post('/', async (c) => {
    const body = await readJson(c, launchBody);
    const delivery = deliveryOf(c);
    const outcome = await deps.service.receive({
      kind: 'start',
      ...(body.agent ? { agent: body.agent } : {}),
      from: { channel: API_CHANNEL, ...(body.from ? { id: body.from } : {}) },
      opening: { kind: 'message', text: body.message },
      ...(delivery ? { delivery } : {}),
    });
    return c.json({ thread_id: outcome.threadId }, 202);
  });

  app.get('/', async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) return errorResponse(c, 400, 'invalid_input', zodMessage(parsed.error));
    const { status, cursor, limit } = parsed.data;
    const page = await deps.store.list({ ...(status ? { status } : {}), ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) });
    return c.json({
      threads: page.threads.map((t) => ({ id: t.id, agent: t.agent, status: t.status, last_seq: t.lastSeq, created_at: t.createdAt, updated_at: t.updatedAt })),
      ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
    });
  });

  app.get('/:id', async (c) => {
    const thread = await deps.service.load(threadIdFrom(c));
    // The store knows whether a worker holds it right now (`running`); the events know everything else.
    const [summary] = (await deps.store.list({ id: thread.id, limit: 1 })).threads;
    const status = summary?.status ?? foldState(thread.events, deps.agents.get(thread.agent)?.definition.humanIntents ?? noHumanIntents).status;
    return c.json({ id: thread.id, agent: thread.agent, status, events: thread.events, usage: usageOf(thread.events) });
  });

  app.get('/:id/context', async (c) => {
    const thread = await deps.service.load(threadIdFrom(c));
    const render = deps.agents.get(thread.agent)?.definition.render;
    // Rendering is deterministic, so the context of each model step is rebuilt from the events before it.
    const steps = thread.events.flatMap((e, i) => {
      const modelStep =
        (e.type === 'step_decided' && e.data.origin === 'model') || e.type === 'step_rejected' || (e.type === 'escalated' && e.data.proposed !== undefined);
      if (!modelStep) return [];
      const rendered = renderThread(thread.events.slice(0, i), render);
      return [{ before_seq: e.seq, tokens: rendered.tokens, context: rendered.text }];
    });
    return c.json(contextList.parse({ steps }));
  });

  app.get('/:id/steps/:seq/prompt', async (c) => {
    const id = threadIdFrom(c);
    const seq = seqParam.safeParse(c.req.param('seq'));
    if (!seq.success) return errorResponse(c, 400, 'invalid_input', `seq: ${zodMessage(seq.error)}`);
    const prompt = await deps.store.stepPrompt(id, seq.data);
    if (prompt === undefined) return errorResponse(c, 404, 'not_found', `thread ${id} has no stored prompt at seq ${seq.data}`);
    return c.json(
      stepPrompt.parse({
        seq: prompt.seq,
        sha256: prompt.sha256,
        shared_prefix_length: prompt.prefixLength,
        previous_seq: prompt.previousSeq ?? null,
        body: prompt.body,
      }),
    );
  });

  app.post('/:id/responses', async (c) => {
    const id = threadIdFrom(c);
    const body = await readJson(c, responseBody);
    const delivery = deliveryOf(c);
    await deps.service.receive({ kind: 'input', threadId: id, ...toInput(body), ...(delivery ? { delivery } : {}) });
    return c.json({ thread_id: id }, 202);
  });

  return app;
}
