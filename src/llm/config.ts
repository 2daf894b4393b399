// Which model the agents talk to, read from the environment (LLM_*), with exact instructions when it is missing.
import { z } from 'zod';
import { readPrices, type PriceTable } from './prices.js';

export const providers = ['openai', 'anthropic', 'openai-compatible'] as const;
export type Provider = (typeof providers)[number];

export interface LlmConfig {
  provider: Provider;
  model: string;
  baseUrl?: string;
  apiKey?: string;
  /** One model call, including the provider's own queueing. */
  timeoutMs: number;
  /** Retries after the first attempt for timeouts, 429, 5xx and unreadable replies. */
  maxRetries: number;
  /**
   * The whole step: every attempt and every wait between them (backoff, a provider's Retry-After). A wait that
   * would end past it is not slept. Default: the larger of 120 s and `timeoutMs`.
   */
  stepTimeoutMs?: number;
  /** USD per million tokens by model, for each step's cost. Default: `defaultPrices`. */
  prices?: PriceTable;
}

const defaultModels: Record<Exclude<Provider, 'openai-compatible'>, string> = {
  openai: 'gpt-4.1',
  anthropic: 'claude-sonnet-4-5',
};

const envSchema = z.object({
  LLM_PROVIDER: z.enum(providers).optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_BASE_URL: z.url().optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  LLM_STEP_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  LLM_PRICES: z.string().optional(),
});

/** What to set, one line per provider: shown at start and recorded in threads when no model is configured. */
export const howToConfigure = [
  'No language model is configured. Set one of:',
  '  OpenAI:             LLM_PROVIDER=openai LLM_API_KEY=sk-… (LLM_MODEL defaults to gpt-4.1)',
  '  Anthropic:          LLM_PROVIDER=anthropic LLM_API_KEY=sk-ant-… (LLM_MODEL defaults to claude-sonnet-4-5)',
  '  Ollama/vLLM/LM Studio/llama.cpp: LLM_PROVIDER=openai-compatible LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=<model>',
].join('\n');

export type LlmConfigResult = { ok: true; config: LlmConfig } | { ok: false; problem: string };

type Env = Record<string, string | undefined>;

export function readLlmConfig(env: Env): LlmConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, problem: `invalid model settings: ${z.prettifyError(parsed.error)}\n${howToConfigure}` };
  }
  const e = parsed.data;
  const prices = readPrices(e.LLM_PRICES);
  if (!prices.ok) return { ok: false, problem: prices.problem };
  const common = {
    // Absent when LLM_PRICES is unset, so the defaults stay in one place (`defaultPrices`).
    ...(e.LLM_PRICES === undefined ? {} : { prices: prices.prices }),
    timeoutMs: e.LLM_TIMEOUT_MS,
    maxRetries: e.LLM_MAX_RETRIES,
    ...(e.LLM_STEP_TIMEOUT_MS === undefined ? {} : { stepTimeoutMs: e.LLM_STEP_TIMEOUT_MS }),
  };
  switch (e.LLM_PROVIDER) {
    case undefined:
      return { ok: false, problem: howToConfigure };
    case 'openai': {
      const apiKey = e.LLM_API_KEY ?? e.OPENAI_API_KEY;
      if (!apiKey) return { ok: false, problem: `LLM_PROVIDER=openai needs LLM_API_KEY.\n${howToConfigure}` };
      return { ok: true, config: { provider: 'openai', model: e.LLM_MODEL ?? defaultModels.openai, apiKey, ...(e.LLM_BASE_URL ? { baseUrl: e.LLM_BASE_URL } : {}), ...common } };
    }
    case 'anthropic': {
      const apiKey = e.LLM_API_KEY ?? e.ANTHROPIC_API_KEY;
      if (!apiKey) return { ok: false, problem: `LLM_PROVIDER=anthropic needs LLM_API_KEY.\n${howToConfigure}` };
      return { ok: true, config: { provider: 'anthropic', model: e.LLM_MODEL ?? defaultModels.anthropic, apiKey, ...(e.LLM_BASE_URL ? { baseUrl: e.LLM_BASE_URL } : {}), ...common } };
    }
    case 'openai-compatible': {
      if (!e.LLM_BASE_URL || !e.LLM_MODEL) {
        return { ok: false, problem: `LLM_PROVIDER=openai-compatible needs LLM_BASE_URL and LLM_MODEL.\n${howToConfigure}` };
      }
      return { ok: true, config: { provider: 'openai-compatible', model: e.LLM_MODEL, baseUrl: e.LLM_BASE_URL, ...(e.LLM_API_KEY ? { apiKey: e.LLM_API_KEY } : {}), ...common } };
    }
    default: {
      const unreachable: never = e.LLM_PROVIDER;
      return { ok: false, problem: `unknown provider ${String(unreachable)}` };
    }
  }
}
