// The LLM boundary: one BAML call per step with bounded retries, usage recorded, every failure returned as data.
import {
  BamlAbortError,
  BamlClientFinishReasonError,
  BamlClientHttpError,
  BamlValidationError,
  ClientRegistry,
  Collector,
  toBamlError,
} from '@boundaryml/baml';
import type { ModelOutcome, StepModel } from '../core/agent.js';
import type { StepUsage } from '../core/events.js';
import { buildClientRegistry } from './client-registry.js';
import type { LlmConfig } from './config.js';

export interface BamlCallOptions {
  clientRegistry: ClientRegistry;
  collector: Collector;
  signal: AbortSignal;
}

/** The agent's generated BAML function, e.g. `(thread, o) => b.DetermineNextStep(thread, o)`. */
export type BamlStepFunction = (context: string, options: BamlCallOptions) => Promise<unknown>;

export interface StepModelOptions {
  config: LlmConfig;
  call: BamlStepFunction;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** First backoff; doubles each retry, with full jitter, capped at `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

const MAX_REASON = 300;

export function shortReason(message: string): string {
  const firstLines = message.split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' ').replace(/\s+/g, ' ');
  return firstLines.length > MAX_REASON ? `${firstLines.slice(0, MAX_REASON)}…` : firstLines;
}

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

type Attempt = ModelOutcome | { kind: 'retry'; reason: string };

export function createStepModel(options: StepModelOptions): StepModel {
  const registry = buildClientRegistry(options.config);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const base = options.baseBackoffMs ?? 500;
  const cap = options.maxBackoffMs ?? 20_000;
  const { config } = options;

  const usageFrom = (collector: Collector, startedAt: number, raw: string | null): StepUsage => {
    const log = collector.last;
    return {
      model: config.model,
      inputTokens: log?.usage.inputTokens ?? null,
      outputTokens: log?.usage.outputTokens ?? null,
      latencyMs: log?.timing.durationMs ?? Date.now() - startedAt,
      raw: raw ?? log?.rawLlmResponse ?? '',
    };
  };

  const attempt = async (context: string, signal: AbortSignal): Promise<Attempt> => {
    const collector = new Collector('step');
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const startedAt = Date.now();
    try {
      const value = await options.call(context, { clientRegistry: registry, collector, signal: AbortSignal.any([signal, timeout]) });
      return { kind: 'step', value, usage: usageFrom(collector, startedAt, null) };
    } catch (caught) {
      const error = caught instanceof Error ? (toBamlError(caught) ?? caught) : caught;
      if (error instanceof BamlValidationError) {
        return { kind: 'invalid', reason: shortReason(error.message), usage: usageFrom(collector, startedAt, error.raw_output) };
      }
      if (error instanceof BamlClientFinishReasonError) {
        return { kind: 'invalid', reason: `the reply was cut off (finish_reason=${error.finish_reason ?? 'unknown'})`, usage: usageFrom(collector, startedAt, error.raw_output) };
      }
      if (error instanceof BamlAbortError || signal.aborted || timeout.aborted) {
        if (signal.aborted) return { kind: 'unavailable', reason: 'aborted', retryable: true };
        return { kind: 'retry', reason: `no answer within ${config.timeoutMs} ms` };
      }
      if (error instanceof BamlClientHttpError) {
        const status = error.status_code;
        const reason = `${config.provider} HTTP ${status}: ${shortReason(error.message)}`;
        if (status === 408 || status === 429 || status >= 500 || status < 100) return { kind: 'retry', reason };
        return { kind: 'unavailable', reason, retryable: false };
      }
      return { kind: 'retry', reason: shortReason(error instanceof Error ? error.message : String(error)) };
    }
  };

  return async (context, signal) => {
    let last = 'unknown error';
    for (let n = 0; n <= config.maxRetries; n++) {
      if (n > 0) await sleep(Math.floor(random() * Math.min(cap, base * 2 ** (n - 1))), signal);
      if (signal.aborted) return { kind: 'unavailable', reason: 'aborted', retryable: true };
      const outcome = await attempt(context, signal);
      if (outcome.kind !== 'retry') return outcome;
      last = outcome.reason;
    }
    return { kind: 'unavailable', reason: `${last} (after ${config.maxRetries + 1} attempts)`, retryable: true };
  };
}
