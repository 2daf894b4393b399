// The /v1 API's request and response shapes: validated with zod, and the source of the OpenAPI document.
import { z } from 'zod';
import { threadStatuses } from '../core/thread.js';

export const launchBody = z.strictObject({
  agent: z.string().min(1).max(100).optional(),
  message: z.string().trim().min(1).max(100_000),
  from: z.string().min(1).max(320).optional(),
});

export const responseBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('response'), message: z.string().trim().min(1).max(100_000), from: z.string().max(320).optional() }),
  // Words whatever the thread is doing (feedback on a pending approval, say): never refused, like a reply by email.
  z.strictObject({ type: z.literal('message'), message: z.string().trim().min(1).max(100_000), from: z.string().max(320).optional() }),
  z.strictObject({ type: z.literal('approval'), approved: z.boolean(), comment: z.string().max(10_000).optional(), by: z.string().max(320).optional() }),
  z.strictObject({ type: z.literal('retry'), by: z.string().max(320).optional() }),
]);

export const listQuery = z.strictObject({
  status: z.enum(threadStatuses).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/** An optional `Idempotency-Key` header: the same key again is the same delivery, recorded once. */
export const idempotencyKey = z.string().min(1).max(200);

export const threadIdParam = z.string().regex(/^thr_[A-Za-z0-9-]{1,64}$/, 'thread ids look like thr_…');

export const launchResponse = z.object({ thread_id: z.string() });

export const eventSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  type: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const threadSummary = z.object({
  id: z.string(),
  agent: z.string(),
  status: z.enum(threadStatuses),
  last_seq: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const threadList = z.object({ threads: z.array(threadSummary), next_cursor: z.string().optional() });

const tokens = z.number().int().nullable();

/** One model call's tokens (input counts every prompt token, cached ones too) and cost in USD (null: no price). */
export const stepUsage = z.object({
  seq: z.number().int(),
  event_id: z.string(),
  model: z.string(),
  input_tokens: tokens,
  cached_input_tokens: tokens,
  cache_write_tokens: tokens,
  output_tokens: tokens,
  cost_usd: z.number().nullable(),
  latency_ms: z.number(),
});

export const usageTotals = z.object({
  steps: z.number().int(),
  input_tokens: z.number().int(),
  cached_input_tokens: z.number().int(),
  cache_write_tokens: z.number().int(),
  output_tokens: z.number().int(),
  /** Null when any step's cost is unknown. */
  cost_usd: z.number().nullable(),
});

export const threadDetail = z.object({
  id: z.string(),
  agent: z.string(),
  status: z.enum(threadStatuses),
  events: z.array(eventSchema),
  usage: z.object({ steps: z.array(stepUsage), total: usageTotals }),
});

export const contextList = z.object({
  steps: z.array(z.object({ before_seq: z.number().int(), tokens: z.number().int(), context: z.string() })),
});

export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), retry: z.boolean() }) });

export const health = z.object({
  ok: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});

export const seqParam = z.coerce.number().int().min(1).max(2 ** 31 - 1);

/** The exact request body a model step sent, rebuilt from its stored delta and checked against its hash. */
export const stepPrompt = z.object({
  seq: z.number().int(),
  sha256: z.string(),
  /** Characters shared with the previous model step's prompt of the thread, and that step's seq. */
  shared_prefix_length: z.number().int(),
  previous_seq: z.number().int().nullable(),
  body: z.string(),
});
