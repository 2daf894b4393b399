// Each event type's data in zod, for events that come from a file a person may have edited (an eval case): the
// compiler holds every schema to its type in core/events.ts. Unknown fields are kept, as the store keeps them.
import { z } from 'zod';
import type { EventDataByType, EventType, StepUsage, ToolError } from '../core/events.js';
import { asCallId, type CallId, type EventId } from '../core/ids.js';
import type { Json, JsonObject } from '../core/json.js';

export const json: z.ZodType<Json> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));
export const jsonObject: z.ZodType<JsonObject> = z.record(z.string(), json);
const callId = z.custom<CallId>((v) => typeof v === 'string' && asCallId(v) !== undefined, 'a call id (call_…)');
const eventId = z.custom<EventId>((v) => typeof v === 'string' && v.length > 0, 'an event id');
const tokens = z.number().int().min(0).nullable();

const usage: z.ZodType<StepUsage> = z.looseObject({
  model: z.string(),
  inputTokens: tokens,
  outputTokens: tokens,
  cachedInputTokens: tokens.optional(),
  cacheWriteTokens: tokens.optional(),
  costUsd: z.number().min(0).nullable().optional(),
  latencyMs: z.number().min(0),
  raw: z.string(),
});
const toolError: z.ZodType<ToolError> = z.looseObject({ kind: z.string(), message: z.string(), retryable: z.boolean() });
const attachments = z.array(z.looseObject({ filename: z.string(), contentType: z.string(), size: z.number().min(0), text: z.string().optional() })).optional();
const decision = { callId: callId.optional(), by: z.string(), messageId: z.string().optional(), channel: z.string().optional() };

export const eventDataSchemas: { [T in EventType]: z.ZodType<EventDataByType[T]> } = {
  message_received: z.looseObject({ channel: z.string(), from: z.string().optional(), text: z.string(), messageId: z.string().optional(), attachments, meta: jsonObject.optional() }),
  step_decided: z.looseObject({ callId, intent: z.string(), args: jsonObject, idempotencyKey: z.string(), origin: z.enum(['model', 'prefetch']), usage: usage.optional() }),
  tool_succeeded: z.looseObject({ callId, intent: z.string(), result: json }),
  tool_failed: z.looseObject({ callId, intent: z.string(), error: toolError }),
  step_rejected: z.looseObject({ reason: z.string(), raw: z.string(), usage: usage.optional() }),
  model_failed: z.looseObject({ reason: z.string(), retryable: z.boolean() }),
  approval_requested: z.looseObject({ callId, intent: z.string(), summary: z.string(), policy: z.string() }),
  approval_granted: z.looseObject({ ...decision, comment: z.string().optional() }),
  approval_denied: z.looseObject({ ...decision, reason: z.string().optional() }),
  human_replied: z.looseObject({ from: z.string().optional(), channel: z.string(), message: z.string(), messageId: z.string().optional(), thread: z.string().optional(), attachments }),
  message_sent: z.looseObject({ channel: z.string(), to: z.array(z.string()), inResponseTo: eventId, messageId: z.string().optional() }),
  escalated: z.looseObject({ guard: z.string(), reason: z.string(), proposed: z.looseObject({ intent: z.string(), args: jsonObject }).optional() }),
  thread_failed: z.looseObject({ reason: z.string() }),
  retry_requested: z.looseObject({ by: z.string(), channel: z.string() }),
  thread_stopped: z.looseObject({ by: z.string(), channel: z.string() }),
  context_compacted: z.looseObject({
    collapsed: z.array(z.looseObject({ seq: z.number().int().positive(), line: z.string() })),
    reason: z.string(),
    budgetTokens: z.number(),
    tokensBefore: z.number(),
    tokensAfter: z.number(),
  }),
};

/** Why `data` is not what an event of `type` holds, or undefined when it is. */
export function eventDataProblem(type: EventType, data: unknown): string | undefined {
  const parsed = eventDataSchemas[type].safeParse(data);
  return parsed.success ? undefined : z.prettifyError(parsed.error);
}
