// Tracing settings from the environment: on only when an OTLP endpoint is set; message text only when asked for.
import { z } from 'zod';

export interface TelemetryConfig {
  /** Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  tracesUrl: string;
  serviceName: string;
  /** Prompts, model replies, tool arguments and results on the spans (redacted of configured secrets). */
  captureContent: boolean;
}

const schema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('hardway'),
  OTEL_CAPTURE_CONTENT: z.enum(['true', 'false']).default('false'),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
});

/** Undefined when tracing is off (no endpoint, or OTEL_SDK_DISABLED=true); throws on a malformed setting. */
export function readTelemetryConfig(env: Record<string, string | undefined>): TelemetryConfig | undefined {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid tracing settings: ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  if (e.OTEL_SDK_DISABLED === 'true') return undefined;
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined);
  if (tracesUrl === undefined) return undefined;
  return { tracesUrl, serviceName: e.OTEL_SERVICE_NAME, captureContent: e.OTEL_CAPTURE_CONTENT === 'true' };
}
