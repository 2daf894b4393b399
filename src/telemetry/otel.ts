// The tracing port on OpenTelemetry: GenAI semantic-convention spans, exported by OTLP/HTTP (JSON). The only file
// that imports the SDK; it is loaded only when tracing is on. Spans are parented explicitly, never through a global
// context or provider, so nothing else in the process is traced by accident.
//
// A thread is one trace: its trace id and its root `thread` span's id are derived from the thread id, so every
// intake and every run of the thread — in any process, days apart — reports under the same thread span without
// anything shared but the id. The thread span itself is sent once, by the intake that created the thread.
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, RandomIdGenerator, TracerProvider, type IdGenerator, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import type { ModelOutcome } from '../core/agent.js';
import type { Json } from '../core/json.js';
import type { Redact } from '../core/redactor.js';
import type { TelemetryConfig } from './config.js';
import type { IntakeSpan, ModelSpan, RunSpan, ToolSpan, Tracing } from './tracing.js';

export interface OtelTracingOptions {
  config: TelemetryConfig;
  /** Removes configured secrets from captured content. */
  redact: Redact;
  /** The model the agents are configured with: the request side of each model span. */
  llm?: { provider: string; model: string };
  /** In place of the OTLP exporter (tests of the adapter alone). */
  exporter?: SpanExporter;
}

/** The trace and root span ids of a thread's trace: the same in every process. */
export function threadTraceIds(threadId: string): { traceId: string; spanId: string } {
  const digest = createHash('sha256').update(`hardway-thread:${threadId}`).digest('hex');
  return { traceId: digest.slice(0, 32), spanId: digest.slice(32, 48) };
}

/** Under the thread's root span, whether or not this process sent it. */
function threadContext(threadId: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { ...threadTraceIds(threadId), traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

/** Random ids, except for the one span that must carry the thread's own (see `threadTraceIds`). */
class ThreadIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  forced: { traceId: string; spanId: string } | undefined;
  generateTraceId(): string {
    return this.forced?.traceId ?? this.random.generateTraceId();
  }
  generateSpanId(): string {
    return this.forced?.spanId ?? this.random.generateSpanId();
  }
}

export function otelTracing(options: OtelTracingOptions): Tracing {
  const { config, redact } = options;
  const ids = new ThreadIdGenerator();
  const provider = new TracerProvider({
    idGenerator: ids,
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: options.exporter ?? new OTLPTraceExporter({ url: config.tracesUrl }) })],
  });
  const tracer = provider.getTracer('hardway');
  const content = (text: string): string => redact(text);
  const json = (value: Json): string => content(JSON.stringify(value));

  /** The thread's root span, sent once when the thread is created, with the ids every process derives. */
  const threadSpan = (threadId: string, channel: string, startTime: number): void => {
    ids.forced = threadTraceIds(threadId);
    try {
      tracer
        .startSpan('thread', { kind: SpanKind.INTERNAL, startTime, attributes: { [ATTR_GEN_AI_CONVERSATION_ID]: threadId, 'hardway.channel': channel } }, ROOT_CONTEXT)
        .end();
    } finally {
      ids.forced = undefined;
    }
  };

  return {
    intake({ kind, channel, threadId }): IntakeSpan {
      // Made when it ends: only then is the thread (its trace) known for an input that starts one.
      const startTime = Date.now();
      const attributes = { 'hardway.channel': channel, 'hardway.intake.kind': kind };
      return {
        end(result) {
          const thread = 'error' in result ? threadId : result.threadId;
          if (!('error' in result) && kind === 'start' && result.outcome === 'started') threadSpan(result.threadId, channel, startTime);
          const span = tracer.startSpan(
            `intake ${kind}`,
            { kind: SpanKind.INTERNAL, startTime, attributes: { ...attributes, ...(thread ? { [ATTR_GEN_AI_CONVERSATION_ID]: thread } : {}) } },
            thread ? threadContext(thread) : ROOT_CONTEXT,
          );
          if ('error' in result) failed(span, result.error);
          else span.setAttribute('hardway.intake.outcome', result.outcome);
          span.end();
        },
      };
    },

    run({ threadId, agent }): RunSpan {
      const runSpan = tracer.startSpan(
        `invoke_agent ${agent}`,
        { kind: SpanKind.INTERNAL, attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'invoke_agent', [ATTR_GEN_AI_AGENT_NAME]: agent, [ATTR_GEN_AI_CONVERSATION_ID]: threadId } },
        threadContext(threadId),
      );
      const under = trace.setSpan(ROOT_CONTEXT, runSpan);
      return {
        model(): ModelSpan {
          const requested = options.llm;
          const span = tracer.startSpan(
            requested ? `chat ${requested.model}` : 'chat',
            {
              kind: SpanKind.CLIENT,
              attributes: {
                [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
                [ATTR_GEN_AI_CONVERSATION_ID]: threadId,
                ...(requested ? { [ATTR_GEN_AI_PROVIDER_NAME]: requested.provider, [ATTR_GEN_AI_SYSTEM]: requested.provider, [ATTR_GEN_AI_REQUEST_MODEL]: requested.model } : {}),
              },
            },
            under,
          );
          return {
            end(outcome, prompt) {
              span.setAttributes(modelAttributes(outcome));
              if (config.captureContent) {
                span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: content(prompt) }] }]));
                if (outcome.kind !== 'unavailable') {
                  span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: content(outcome.usage.raw) }] }]));
                }
              }
              if (outcome.kind !== 'step') {
                span.setAttribute(ATTR_ERROR_TYPE, outcome.kind === 'invalid' ? 'invalid_step' : 'unavailable');
                span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason.slice(0, 200) });
              }
              span.end();
            },
          };
        },
        tool({ intent, callId, mutates, args }): ToolSpan {
          const span = tracer.startSpan(
            `execute_tool ${intent}`,
            {
              kind: SpanKind.INTERNAL,
              attributes: {
                [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
                [ATTR_GEN_AI_TOOL_NAME]: intent,
                [ATTR_GEN_AI_TOOL_CALL_ID]: callId,
                [ATTR_GEN_AI_TOOL_TYPE]: 'function',
                [ATTR_GEN_AI_CONVERSATION_ID]: threadId,
                'hardway.tool.mutates': mutates,
                ...(config.captureContent ? { [ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: json(args) } : {}),
              },
            },
            under,
          );
          return {
            end(result) {
              if (result.ok) {
                if (config.captureContent) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, json(result.result));
              } else failed(span, result.error);
              span.end();
            },
          };
        },
        end(result) {
          if ('error' in result) failed(runSpan, result.error);
          else runSpan.setAttribute('hardway.run.outcome', result.outcome);
          runSpan.end();
        },
      };
    },

    async shutdown() {
      await provider.shutdown();
    },
  };
}

function modelAttributes(outcome: ModelOutcome): Attributes {
  if (outcome.kind === 'unavailable') return {};
  const u = outcome.usage;
  const reply = outcome.reply;
  return {
    [ATTR_GEN_AI_RESPONSE_MODEL]: reply?.responseModel ?? u.model,
    ...(u.inputTokens !== null ? { [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: u.inputTokens } : {}),
    ...(u.outputTokens !== null ? { [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: u.outputTokens } : {}),
    ...(u.cachedInputTokens !== undefined && u.cachedInputTokens !== null ? { [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: u.cachedInputTokens } : {}),
    ...(u.cacheWriteTokens !== undefined && u.cacheWriteTokens !== null ? { [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: u.cacheWriteTokens } : {}),
    ...(reply?.finishReasons ? { [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: reply.finishReasons } : {}),
  };
}

/** The error's kind only: a message may quote what the person wrote. */
function failed(span: Span, error: unknown): void {
  const kind = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : error instanceof Error ? error.name : 'error';
  span.setAttribute(ATTR_ERROR_TYPE, kind);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
