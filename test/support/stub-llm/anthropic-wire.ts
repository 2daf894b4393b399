// Anthropic Messages wire shapes for the stub model (POST /v1/messages): parse the request, build the JSON and SSE
// answers, so the anthropic provider of real clients (BAML) can be driven offline like the OpenAI one.
import { z } from 'zod';
import type { StubMessage } from './openai-wire.js';
import type { FinishReason } from './reply.js';
import type { CacheCounts, CompletionMeta, Usage } from './openai-wire.js';

const textBlock = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(textBlock)]);
export const messagesRequestSchema = z.looseObject({
  model: z.string().optional(),
  max_tokens: z.number().int().positive(),
  system: content.optional(),
  messages: z.array(z.looseObject({ role: z.string(), content })).min(1),
  stream: z.boolean().nullish(),
});
export type MessagesRequestBody = z.infer<typeof messagesRequestSchema>;

const textOf = (c: z.infer<typeof content>): string =>
  typeof c === 'string' ? c : c.flatMap((b) => (b.type === 'text' && b.text !== undefined ? [b.text] : [])).join('\n');

/** The system prompt first, as a `system` message, then the turns: the same view tests have of OpenAI requests. */
export function anthropicMessagesOf(body: MessagesRequestBody): StubMessage[] {
  const system = body.system === undefined ? [] : [{ role: 'system', content: textOf(body.system) }];
  return [...system, ...body.messages.map((m) => ({ role: m.role, content: textOf(m.content) }))];
}

const stopReasons: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  content_filter: 'refusal',
  tool_calls: 'tool_use',
};

/** Anthropic's counts: its input_tokens leaves out what was read from or written to the cache. */
function anthropicUsage(usage: Usage, cache: CacheCounts | undefined) {
  if (cache === undefined) return { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens };
  return {
    input_tokens: Math.max(0, usage.prompt_tokens - cache.read - cache.written),
    cache_read_input_tokens: cache.read,
    cache_creation_input_tokens: cache.written,
    output_tokens: usage.completion_tokens,
  };
}

export function messageBody(meta: CompletionMeta, text: string, finishReason: FinishReason, usage: Usage, cache?: CacheCounts) {
  return {
    id: meta.id.replace('chatcmpl', 'msg'),
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [{ type: 'text', text }],
    stop_reason: stopReasons[finishReason],
    stop_sequence: null,
    usage: anthropicUsage(usage, cache),
  };
}

/** The SSE events of a streamed message, in Anthropic's order. */
export function messageStreamEvents(meta: CompletionMeta, text: string, finishReason: FinishReason, usage: Usage, cache?: CacheCounts): string[] {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const start = messageBody(meta, '', finishReason, { ...usage, completion_tokens: 0 }, cache);
  return [
    event('message_start', { message: { ...start, content: [], stop_reason: null } }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: stopReasons[finishReason], stop_sequence: null }, usage: { output_tokens: usage.completion_tokens } }),
    event('message_stop', {}),
  ];
}

/** Anthropic's error envelope. */
export function anthropicErrorBody(status: number, message: string) {
  const type =
    status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 404 ? 'not_found_error'
    : status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status < 500 ? 'invalid_request_error' : 'api_error';
  return { type: 'error', error: { type, message } };
}
