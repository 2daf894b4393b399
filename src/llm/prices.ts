// What a step costs: USD per million tokens for each model, defaults for the default models, overridable by LLM_PRICES.
import { z } from 'zod';

const perMillion = z.number().finite().min(0);

export const modelPriceSchema = z.strictObject({
  input: perMillion,
  /** Prompt tokens read from the provider's cache. */
  cachedInput: perMillion,
  /** Prompt tokens written to the cache (Anthropic bills them above `input`; OpenAI does not bill them apart). */
  cacheWrite: perMillion,
  output: perMillion,
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** List prices in USD per million tokens for the models `src/llm/config.ts` picks when LLM_MODEL is unset. */
export const defaultPrices: PriceTable = {
  'gpt-4.1': { input: 2, cachedInput: 0.5, cacheWrite: 2, output: 8 },
  // Anthropic's 5-minute cache: writes at 1.25× input, reads at 0.1×.
  'claude-sonnet-4-5': { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
};

const tableSchema = z.record(z.string().min(1), modelPriceSchema);

export const pricesHelp =
  'LLM_PRICES is a JSON object of model → USD per million tokens, e.g. {"my-model":{"input":1,"cachedInput":0.1,"cacheWrite":1.25,"output":4}}';

export type PricesResult = { ok: true; prices: PriceTable } | { ok: false; problem: string };

/** The defaults with LLM_PRICES's models laid over them (a model named there replaces its default entirely). */
export function readPrices(raw: string | undefined): PricesResult {
  if (raw === undefined || raw.trim() === '') return { ok: true, prices: defaultPrices };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problem: `LLM_PRICES is not valid JSON (${error instanceof Error ? error.message : String(error)}). ${pricesHelp}` };
  }
  const parsed = tableSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: `invalid LLM_PRICES: ${z.prettifyError(parsed.error)}\n${pricesHelp}` };
  return { ok: true, prices: { ...defaultPrices, ...parsed.data } };
}

export interface BilledTokens {
  /** Every prompt token, cached or not. */
  inputTokens: number | null;
  cachedInputTokens: number | null;
  cacheWriteTokens: number | null;
  outputTokens: number | null;
}

/** USD, or null when the model has no price or the provider did not say how many tokens it counted. */
export function stepCost(price: ModelPrice | undefined, t: BilledTokens): number | null {
  if (price === undefined || t.inputTokens === null || t.outputTokens === null) return null;
  // Not reported means none: a provider that reports no cache use bills every prompt token at the full price.
  const cached = t.cachedInputTokens ?? 0;
  const written = t.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, t.inputTokens - cached - written);
  const micro = uncached * price.input + cached * price.cachedInput + written * price.cacheWrite + t.outputTokens * price.output;
  // Rounded to a millionth of a cent so sums of steps do not print float noise.
  return Math.round(micro * 100) / 1e8;
}

export function priceOf(prices: PriceTable, model: string): ModelPrice | undefined {
  return Object.hasOwn(prices, model) ? prices[model] : undefined;
}
