// A local OTLP/HTTP trace receiver on 127.0.0.1: takes the JSON exports (POST /v1/traces) and keeps every span,
// its attributes decoded to plain values.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export type AttrValue = string | number | boolean | AttrValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, AttrValue>;
  links: { traceId: string; spanId: string }[];
  status: { code?: number | undefined };
  serviceName: AttrValue | undefined;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`, what OTEL_EXPORTER_OTLP_ENDPOINT takes. */
  readonly endpoint: string;
  readonly spans: readonly ReceivedSpan[];
  /** Bodies that were not OTLP JSON; assert empty. */
  readonly rejected: readonly string[];
  close(): Promise<void>;
}

const anyValue: z.ZodType<unknown> = z.lazy(() =>
  z.looseObject({
    stringValue: z.string().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.number().optional(),
    boolValue: z.boolean().optional(),
    arrayValue: z.looseObject({ values: z.array(anyValue).optional() }).optional(),
  }),
);
const keyValue = z.object({ key: z.string(), value: anyValue });
const exportBody = z.object({
  resourceSpans: z.array(
    z.looseObject({
      resource: z.looseObject({ attributes: z.array(keyValue).optional() }).optional(),
      scopeSpans: z.array(
        z.looseObject({
          spans: z.array(
            z.looseObject({
              traceId: z.string(),
              spanId: z.string(),
              parentSpanId: z.string().optional(),
              name: z.string(),
              kind: z.number(),
              attributes: z.array(keyValue).optional(),
              links: z.array(z.looseObject({ traceId: z.string(), spanId: z.string() })).optional(),
              status: z.looseObject({ code: z.number().optional() }).optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});

function decode(value: unknown): AttrValue {
  const v = z.looseObject({}).parse(value) as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  const arr = z.object({ values: z.array(z.unknown()).optional() }).safeParse(v.arrayValue);
  if (arr.success) return (arr.data.values ?? []).map(decode);
  return null;
}

const attrs = (list: z.infer<typeof keyValue>[] | undefined): Record<string, AttrValue> => Object.fromEntries((list ?? []).map((kv) => [kv.key, decode(kv.value)]));

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        rejected.push(`${req.method ?? ''} ${req.url ?? ''}`);
        res.writeHead(404).end();
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = exportBody.safeParse(json);
      if (!parsed.success) {
        rejected.push(text.slice(0, 500));
        res.writeHead(400).end();
        return;
      }
      for (const rs of parsed.data.resourceSpans) {
        const serviceName = attrs(rs.resource?.attributes)['service.name'];
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              kind: s.kind,
              attributes: attrs(s.attributes),
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
              status: { code: s.status?.code },
              serviceName,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
