// /v1/threads/:id/replay and /v1/threads/:id/divergence: fork a thread from a step and run it again (dry run unless
// `live`), then read how the fork's steps compare with the original's.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { HardwayError } from '../../core/errors.js';
import type { ThreadId } from '../../core/ids.js';
import type { Replayer } from '../../replay/replayer.js';
import { zodMessage } from '../errors.js';
import { threadIdParam } from '../schemas.js';

export const replayBody = z.strictObject({
  from_seq: z.number().int().min(1),
  live: z.boolean().optional(),
  provider: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(200).optional(),
  base_url: z.url().optional(),
  /** Answer once the fork has paused, with its report, instead of at once. */
  wait: z.boolean().optional(),
});

const taken = z.object({ seq: z.number(), intent: z.string().nullable(), args: z.unknown() });

export const divergenceReportSchema = z.object({
  original: z.object({ threadId: z.string(), status: z.string(), steps: z.number() }),
  replay: z.object({ threadId: z.string(), status: z.string(), steps: z.number() }),
  fromSeq: z.number(),
  steps: z.array(z.object({ step: z.number(), verdict: z.enum(['same', 'different_args', 'different_intent', 'original_ended', 'replay_ended']), original: taken.optional(), replay: taken.optional() })),
  divergedAt: z.number().optional(),
  notSent: z.array(z.object({ seq: z.number(), intent: z.string(), args: z.unknown() })),
  stoppedFor: z.string().optional(),
});

export const replayResponse = z.object({ thread_id: z.string(), replay_of: z.string(), from_seq: z.number(), live: z.boolean(), report: divergenceReportSchema.optional() });

export interface ReplayRoutesDeps {
  replayer: Replayer;
}

function threadIdFrom(c: Context): ThreadId {
  const parsed = threadIdParam.safeParse(c.req.param('id'));
  if (!parsed.success) throw new HardwayError('thread_not_found', `no thread ${c.req.param('id') ?? ''}`);
  return parsed.data as ThreadId;
}

export function replayRoutes(deps: ReplayRoutesDeps): Hono {
  const app = new Hono();

  app.post('/:id/replay', async (c) => {
    const id = threadIdFrom(c);
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new HardwayError('invalid_input', 'body must be a JSON object (Content-Type: application/json)');
    }
    const parsed = replayBody.safeParse(raw);
    if (!parsed.success) throw new HardwayError('invalid_input', zodMessage(parsed.error));
    const body = parsed.data;
    const started = await deps.replayer.start({
      threadId: id,
      fromSeq: body.from_seq,
      live: body.live === true,
      model: { ...(body.provider ? { provider: body.provider } : {}), ...(body.model ? { model: body.model } : {}), ...(body.base_url ? { baseUrl: body.base_url } : {}) },
    });
    const answer = { thread_id: started.forkId, replay_of: id, from_seq: body.from_seq, live: body.live === true };
    if (body.wait !== true) return c.json(answer, 202);
    return c.json({ ...answer, report: await started.finished }, 200);
  });

  app.get('/:id/divergence', async (c) => c.json(await deps.replayer.report(threadIdFrom(c))));

  return app;
}
