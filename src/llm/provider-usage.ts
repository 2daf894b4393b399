// The token counts a provider reported in its reply body, in one shape whatever the provider: BAML's Collector keeps
// input and output, but not what was written to the cache, and not always what was read from it.
import { z } from 'zod';

export interface ProviderUsage {
  /** Every prompt token, cached or not (OpenAI's `prompt_tokens`; Anthropic's three input counts summed). */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number | null;
  cacheWriteTokens: number | null;
}

const count = z.number().int().min(0);

const openAiUsage = z.looseObject({
  usage: z.looseObject({
    prompt_tokens: count,
    completion_tokens: count,
    prompt_tokens_details: z.looseObject({ cached_tokens: count.nullish() }).nullish(),
  }),
});

// Anthropic's input_tokens leaves out the tokens read from or written to the cache.
const anthropicUsage = z.looseObject({
  usage: z.looseObject({
    input_tokens: count,
    output_tokens: count,
    cache_read_input_tokens: count.nullish(),
    cache_creation_input_tokens: count.nullish(),
  }),
});

/** Undefined when the reply (as `replyJson` parsed it) carries neither provider's usage (a stream, a local server's own shape). */
export function providerUsage(json: unknown): ProviderUsage | undefined {
  if (json === undefined) return undefined;
  const anthropic = anthropicUsage.safeParse(json);
  if (anthropic.success) {
    const u = anthropic.data.usage;
    const read = u.cache_read_input_tokens ?? null;
    const written = u.cache_creation_input_tokens ?? null;
    return { inputTokens: u.input_tokens + (read ?? 0) + (written ?? 0), outputTokens: u.output_tokens, cachedInputTokens: read, cacheWriteTokens: written };
  }
  const openai = openAiUsage.safeParse(json);
  if (openai.success) {
    const u = openai.data.usage;
    // OpenAI writes its cache without saying so, and does not bill the writes apart.
    return { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens, cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? null, cacheWriteTokens: null };
  }
  return undefined;
}

/** A reply body as JSON, parsed once for `providerUsage` and `providerReply`; undefined when there is none or it is not JSON (a stream, an HTML error page). */
export function replyJson(body: string | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
