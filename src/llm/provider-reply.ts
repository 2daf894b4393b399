// What a provider's reply body says about the reply itself (the model that answered, why it stopped), for traces:
// OpenAI's `model` and `choices[].finish_reason`, Anthropic's `model` and `stop_reason`.
import { z } from 'zod';
import type { ModelReply } from '../core/agent.js';

const openAiReply = z.looseObject({ model: z.string().optional(), choices: z.array(z.looseObject({ finish_reason: z.string().nullish() })) });
const anthropicReply = z.looseObject({ model: z.string().optional(), stop_reason: z.string().nullish() });

/** Undefined when the reply (as `replyJson` parsed it) is neither provider's shape (a stream, say). */
export function providerReply(json: unknown): ModelReply | undefined {
  if (json === undefined) return undefined;
  const openai = openAiReply.safeParse(json);
  if (openai.success) {
    const reasons = openai.data.choices.flatMap((c) => (c.finish_reason ? [c.finish_reason] : []));
    return { ...(openai.data.model ? { responseModel: openai.data.model } : {}), ...(reasons.length ? { finishReasons: reasons } : {}) };
  }
  const anthropic = anthropicReply.safeParse(json);
  if (anthropic.success) {
    const { model, stop_reason } = anthropic.data;
    return { ...(model ? { responseModel: model } : {}), ...(stop_reason ? { finishReasons: [stop_reason] } : {}) };
  }
  return undefined;
}
