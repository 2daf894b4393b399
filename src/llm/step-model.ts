// The LLM boundary: one BAML call per step with bounded retries, usage recorded, every failure returned as data.
import { createHash } from 'node:crypto';
import { BamlAbortError, ClientRegistry, Collector, toBamlError } from '@boundaryml/baml';
import { z } from 'zod';
import { backoffDelay, type BackoffPolicy } from '../core/backoff.js';
import type { ModelOutcome, ModelReply, SentRequest, StepModel } from '../core/agent.js';
import type { StepUsage } from '../core/events.js';
import { retryAfterMs } from '../core/retry-after.js';
import { classifyBamlFailure, clip } from './baml-failure.js';
import { buildClientRegistry } from './client-registry.js';
import type { LlmConfig } from './config.js';
import { cacheParts } from './cache-parts.js';
import { defaultPrices, priceOf, stepCost } from './prices.js';
import { providerReply } from './provider-reply.js';
import { providerUsage, replyJson } from './provider-usage.js';

export interface BamlCallOptions {
  clientRegistry: ClientRegistry;
  collector: Collector;
  signal: AbortSignal;
}

/** The agent's generated BAML function, e.g. `(thread, o) => b.DetermineNextStep(thread, o)`. */
export type BamlStepFunction = (context: string, options: BamlCallOptions) => Promise<unknown>;

/** The same step with the thread in parts (see `cacheParts`), for a prompt that puts cache breakpoints between them. */
export type BamlPartsStepFunction = (parts: string[], options: BamlCallOptions) => Promise<unknown>;

export interface StepModelOptions {
  config: LlmConfig;
  call: BamlStepFunction;
  /** Used instead of `call` for Anthropic, which caches a prompt only up to the breakpoints the prompt marks. */
  callWithBreakpoints?: BamlPartsStepFunction;
  /**
   * The agent's reading of a reply BAML could not turn into a step: a short reason the model can act on
   * ("no JSON object in the reply"). Without it, or when it returns undefined, BAML's own message is used.
   */
  explainInvalid?: (raw: string) => string | undefined;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Epoch milliseconds; the step's budget and HTTP-date Retry-After are measured on it. */
  now?: () => number;
  /** Between attempts when the provider gives no Retry-After. */
  backoff?: BackoffPolicy;
}

export const defaultStepBackoff: BackoffPolicy = { baseMs: 500, maxMs: 20_000 };

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

type Attempt = ModelOutcome | { kind: 'retry'; reason: string; waitMs: number | undefined };

const headerMap = z.record(z.string(), z.unknown());

/** The provider's advice on when to come back, from the HTTP response BAML's Collector kept. */
function advisedWait(collector: Collector, nowMs: number): number | undefined {
  const parsed = headerMap.safeParse(collector.last?.calls.at(-1)?.httpResponse?.headers);
  if (!parsed.success) return undefined;
  const header = (name: string): string | undefined => {
    const entry = Object.entries(parsed.data).find(([key]) => key.toLowerCase() === name);
    return typeof entry?.[1] === 'string' ? entry[1] : undefined;
  };
  // OpenAI's millisecond hint is more precise than Retry-After's whole seconds when both are sent.
  const ms = Number(header('retry-after-ms'));
  if (header('retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  return retryAfterMs(header('retry-after'), nowMs);
}

function replyText(collector: Collector): string | undefined {
  try {
    return collector.last?.calls.at(-1)?.httpResponse?.body.text();
  } catch {
    return undefined;
  }
}

/** The exact request body the call sent, with its hash; the body only, as the headers carry the provider key. */
function sentRequest(collector: Collector): { body: string; sha256: string } | undefined {
  let body: string | undefined;
  try {
    body = collector.last?.calls.at(-1)?.httpRequest?.body.text();
  } catch {
    return undefined;
  }
  return body === undefined ? undefined : { body, sha256: createHash('sha256').update(body, 'utf8').digest('hex') };
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export function createStepModel(options: StepModelOptions): StepModel {
  const registry = buildClientRegistry(options.config);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const backoff = options.backoff ?? defaultStepBackoff;
  const { config } = options;
  const budgetMs = config.stepTimeoutMs ?? Math.max(120_000, config.timeoutMs);

  const price = priceOf(config.prices ?? defaultPrices, config.model);
  const withBreakpoints = config.provider === 'anthropic' ? options.callWithBreakpoints : undefined;
  const call: BamlStepFunction = withBreakpoints === undefined ? options.call : (context, o) => withBreakpoints(cacheParts(context), o);

  const usageFrom = (collector: Collector, startedAt: number, raw: string | null, request: { sha256: string } | undefined, replied: unknown): StepUsage => {
    const log = collector.last;
    // The reply body has the cache counts the Collector lacks; the Collector's figures stand in for a body without.
    const reported = providerUsage(replied);
    const tokens = {
      inputTokens: reported?.inputTokens ?? log?.usage.inputTokens ?? null,
      outputTokens: reported?.outputTokens ?? log?.usage.outputTokens ?? null,
      cachedInputTokens: reported === undefined ? (log?.usage.cachedInputTokens ?? null) : reported.cachedInputTokens,
      cacheWriteTokens: reported?.cacheWriteTokens ?? null,
    };
    return {
      model: config.model,
      ...tokens,
      costUsd: stepCost(price, tokens),
      latencyMs: log?.timing.durationMs ?? Date.now() - startedAt,
      raw: raw ?? log?.rawLlmResponse ?? '',
      ...(request ? { promptSha256: request.sha256 } : {}),
    };
  };

  /** Usage, the request sent and what the reply said of itself, for an outcome the model answered. */
  const answered = (collector: Collector, startedAt: number, raw: string | null): { usage: StepUsage; sent?: SentRequest; reply?: ModelReply } => {
    const request = sentRequest(collector);
    const replied = replyJson(replyText(collector));
    const reply = providerReply(replied);
    return { usage: usageFrom(collector, startedAt, raw, request, replied), ...(request ? { sent: { body: request.body } } : {}), ...(reply ? { reply } : {}) };
  };

  const attempt = async (context: string, signal: AbortSignal, timeoutMs: number): Promise<Attempt> => {
    const collector = new Collector('step');
    const timeout = AbortSignal.timeout(timeoutMs);
    const startedAt = Date.now();
    try {
      const value = await call(context, { clientRegistry: registry, collector, signal: AbortSignal.any([signal, timeout]) });
      return { kind: 'step', value, ...answered(collector, startedAt, null) };
    } catch (caught) {
      const error = caught instanceof Error ? toBamlError(caught) : caught;
      if (signal.aborted) return { kind: 'unavailable', reason: 'aborted', retryable: true };
      if (timeout.aborted || error instanceof BamlAbortError) return { kind: 'retry', reason: `no answer within ${timeoutMs} ms`, waitMs: undefined };
      const failure = classifyBamlFailure(error, { provider: config.provider, explainInvalid: options.explainInvalid });
      switch (failure.kind) {
        case 'invalid':
          return { kind: 'invalid', reason: failure.reason, ...answered(collector, startedAt, failure.raw) };
        case 'fatal':
          return { kind: 'unavailable', reason: failure.reason, retryable: false };
        case 'retry':
          return { kind: 'retry', reason: failure.reason, waitMs: advisedWait(collector, now()) };
        default: {
          const unreachable: never = failure;
          throw new Error(`unknown failure ${JSON.stringify(unreachable)}`);
        }
      }
    }
  };

  return async (context, signal) => {
    const deadline = now() + budgetMs;
    let last = 'unknown error';
    for (let n = 0; n <= config.maxRetries; n++) {
      if (signal.aborted) return { kind: 'unavailable', reason: 'aborted', retryable: true };
      const outcome = await attempt(context, signal, Math.max(1, Math.min(config.timeoutMs, deadline - now())));
      if (outcome.kind !== 'retry') return outcome;
      last = outcome.reason;
      if (n === config.maxRetries) break;
      const wait = outcome.waitMs ?? backoffDelay(n, backoff, random);
      const left = deadline - now();
      if (wait >= left) {
        const asked = outcome.waitMs === undefined ? `the next try would be in ${seconds(wait)}` : `the provider asked to wait ${seconds(wait)}`;
        return {
          kind: 'unavailable',
          reason: clip(`${last}; ${asked}, past the step's ${seconds(budgetMs)} budget (${seconds(Math.max(0, left))} left)`, 400),
          retryable: true,
        };
      }
      await sleep(wait, signal);
    }
    return { kind: 'unavailable', reason: `${last} (after ${config.maxRetries + 1} attempts)`, retryable: true };
  };
}
