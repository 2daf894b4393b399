// OpenAI chat-completions wire shapes for the stub model: parse the request, build the JSON and SSE answers.
import type { IncomingHttpHeaders } from 'node:http';
import { countTokens } from 'gpt-tokenizer';
import { z } from 'zod';
import type { FinishReason, StubUsage } from './reply.js';

// Loose on purpose: clients send many fields we ignore (temperature, tools …); we only need what we read.
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});
export const chatRequestSchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});
export type ChatRequestBody = z.infer<typeof chatRequestSchema>;

export interface StubMessage {
  readonly role: string;
  /** Text parts joined with "\n"; non-text parts (images …) are left out. */
  readonly content: string;
}

/** Which wire format a request used: OpenAI chat completions, or Anthropic messages. */
export type StubApi = 'openai' | 'anthropic';

/** One chat-completions (or Anthropic messages) request as the stub received it. */
export interface StubRequest {
  /** Sequence number among recorded requests, from 0. */
  readonly index: number;
  readonly api: StubApi;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: ChatRequestBody;
  /** The request body exactly as it arrived, for byte-for-byte comparisons. */
  readonly rawBody: string;
  readonly model: string | undefined;
  readonly messages: readonly StubMessage[];
  /** All message contents joined with "\n": what `toContain` assertions look at. */
  readonly prompt: string;
  readonly stream: boolean;
  readonly at: Date;
}

export function messagesOf(body: ChatRequestBody): StubMessage[] {
  return body.messages.map(({ role, content }) => ({
    role,
    content:
      typeof content === 'string'
        ? content
        : (content ?? []).flatMap((part) => (part.type === 'text' && part.text !== undefined ? [part.text] : [])).join('\n'),
  }));
}

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details?: { readonly cached_tokens: number };
}

/** Cache counts as scripted, for the Anthropic shape (the OpenAI one carries reads in `prompt_tokens_details`). */
export interface CacheCounts {
  readonly read: number;
  readonly written: number;
}

/**
 * An estimate, not what a provider would bill: o200k_base tokens of the message texts plus OpenAI's documented
 * framing of about 3 tokens per message and 3 to prime the reply. Close enough for budgets and benchmarks.
 */
export function estimateUsage(messages: readonly StubMessage[], content: string, override: StubUsage | undefined): Usage {
  const prompt = override?.prompt_tokens ?? messages.reduce((sum, m) => sum + 3 + countTokens(m.content), 3);
  const completion = override?.completion_tokens ?? countTokens(content);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: override?.total_tokens ?? prompt + completion,
    ...(override?.cached_tokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: override.cached_tokens } }),
  };
}

/** Undefined unless the script set a cache count: replies then look as they did before caches were reported. */
export function cacheCounts(override: StubUsage | undefined): CacheCounts | undefined {
  if (override?.cached_tokens === undefined && override?.cache_write_tokens === undefined) return undefined;
  return { read: override.cached_tokens ?? 0, written: override.cache_write_tokens ?? 0 };
}

export interface CompletionMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export function completionBody(meta: CompletionMeta, content: string, finishReason: FinishReason, usage: Usage) {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason },
    ],
    usage,
    system_fingerprint: null,
  };
}

/**
 * The SSE events of a streamed completion, in OpenAI's order: the role delta, the content in `parts` pieces, the
 * finish reason, the usage chunk (only when the client asked with `stream_options.include_usage`), then [DONE].
 */
export function streamEvents(
  meta: CompletionMeta,
  content: string,
  finishReason: FinishReason,
  usage: Usage | undefined,
  parts: number,
): string[] {
  // With include_usage OpenAI sends `usage: null` on every chunk but the last, so clients can rely on the key.
  const usageField = usage === undefined ? {} : { usage: null };
  const chunk = (choices: unknown[], extra: object = usageField) =>
    `data: ${JSON.stringify({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: null,
      choices,
      ...extra,
    })}\n\n`;
  const delta = (d: object, finish: FinishReason | null = null) => ({ index: 0, delta: d, logprobs: null, finish_reason: finish });
  return [
    chunk([delta({ role: 'assistant', content: '', refusal: null })]),
    ...split(content, parts).map((piece) => chunk([delta({ content: piece })])),
    chunk([delta({}, finishReason)]),
    ...(usage === undefined ? [] : [chunk([], { usage })]),
    'data: [DONE]\n\n',
  ];
}

// By code point, so a surrogate pair is never cut in half.
function split(text: string, parts: number): string[] {
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(parts, chars.length));
  const size = Math.ceil(chars.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}

export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error' | 'not_found_error';

/** OpenAI's error envelope. */
export function errorBody(message: string, type: ErrorType | string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

/** What OpenAI answers for a status, for faults scripted without a body. */
export function defaultFaultBody(status: number) {
  if (status === 429) {
    return errorBody('stub-llm: scripted 429, rate limit reached for requests', 'requests', 'rate_limit_exceeded');
  }
  if (status === 401) return errorBody('stub-llm: scripted 401, incorrect API key provided', 'invalid_request_error', 'invalid_api_key');
  if (status === 404) return errorBody(`stub-llm: scripted 404, the model does not exist`, 'invalid_request_error', 'model_not_found');
  if (status < 500) return errorBody(`stub-llm: scripted ${status}`, 'invalid_request_error');
  return errorBody(`stub-llm: scripted ${status}, the server had an error while processing your request`, 'server_error');
}
