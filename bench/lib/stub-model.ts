// The model every system talks to: one OpenAI-compatible server on 127.0.0.1 that plays the scenario in the
// shape each system parses. Hardway (BAML) reads a JSON step from the message content; LangGraph and the OpenAI
// Agents SDK read `tool_calls`. test/support/stub-llm only speaks content, so the bench has this small one.
//
// Each system gets its own path prefix (/<system>/v1), so the stub knows the shape to answer in and records
// which system sent what. The reply depends only on the request (how many tool results it already holds), so
// any number of concurrent threads can share the server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LONG_MARKER, SEED_MARKER, stepAfter, type ModelStep, type Script } from '../scenarios/email-triage.js';
import { scaleKey, scaleStepAfter } from '../scenarios/scale-out.js';

export type WireShape = 'json-content' | 'tool-calls';

export interface ChatMessage {
  role: string;
  content?: string | Array<{ type: string; text?: string }> | null;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

export interface ChatBody {
  model?: string;
  messages: ChatMessage[];
  tools?: unknown[];
  stream?: boolean;
}

export interface StubRecord {
  system: string;
  /** performance.now() when the request reached the server. */
  arrivedAt: number;
  /** The server's own time for this request (reading, parsing, answering), the delay excluded. */
  handledMs: number;
  delayMs: number;
  /** performance.now() once the answer was written. */
  answeredAt: number;
  /** Figure 11's threads: the key in the thread's first message. */
  threadKey?: string;
  /** The parsed request, kept only while `recordBodies` is on. */
  body?: ChatBody;
}

export interface BenchStub {
  baseUrl(system: string): string;
  readonly records: readonly StubRecord[];
  /** How long every answer waits before it is sent (the model's "thinking" time). */
  delayMs: number;
  recordBodies: boolean;
  /** What went wrong: requests it could not answer, tool results that are errors. Never cleared. */
  readonly errors: readonly string[];
  /** Forgets the records (not the errors). */
  clear(): void;
  close(): Promise<void>;
}

export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('\n');
  return '';
}

/** The bench scenario's scripts, and figure 11's (the real Linear Assistant against the embedded workspace). */
type StubScript = Script | { kind: 'scale'; key: string };

/** The script a conversation plays, from the markers in its first email. */
function scriptOf(texts: readonly string[]): StubScript {
  for (const t of texts) {
    const at = t.indexOf(LONG_MARKER);
    if (at !== -1) return { kind: 'long', steps: Number.parseInt(t.slice(at + LONG_MARKER.length), 10) };
    if (t.includes(SEED_MARKER)) return { kind: 'seed' };
    const key = scaleKey(t);
    if (key !== undefined) return { kind: 'scale', key };
  }
  return { kind: 'scenario' };
}

/** How far along the scenario a conversation is: the number of tool results it holds. */
function progress(body: ChatBody, shape: WireShape): { toolResults: number; script: StubScript; texts: string[] } {
  const texts = body.messages.map((m) => contentText(m.content));
  const script = scriptOf(texts);
  if (shape === 'tool-calls') return { toolResults: body.messages.filter((m) => m.role === 'tool').length, script, texts };
  // Hardway renders each tool result as a `<intent>_result` tag in the thread.
  const toolResults = texts.reduce((n, t) => n + (t.match(/<\/[a-z_]+_result>/g)?.length ?? 0), 0);
  return { toolResults, script, texts };
}

interface Answer {
  message: { role: 'assistant'; content: string | null; tool_calls?: ChatMessage['tool_calls'] };
  finishReason: 'stop' | 'tool_calls';
}

let callCounter = 0;

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A model answering a strict tool schema (the OpenAI Agents SDK's default) sends every required field, null
 * when it has nothing to say: the scenario's arguments, completed the way the schema that was sent asks.
 */
function completeArgs(args: Record<string, unknown>, schema: JsonSchema | undefined): Record<string, unknown> {
  if (schema?.properties === undefined) return args;
  const out: Record<string, unknown> = { ...args };
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = out[name];
    if (value === undefined) {
      if (schema.required?.includes(name)) out[name] = null;
      continue;
    }
    const objectSchema = property.properties !== undefined ? property : property.anyOf?.find((s) => s.properties !== undefined);
    if (objectSchema !== undefined && isRecord(value)) out[name] = completeArgs(value, objectSchema);
  }
  return out;
}

function toolSchema(body: ChatBody, name: string): JsonSchema | undefined {
  for (const t of body.tools ?? []) {
    const fn = isRecord(t) && isRecord(t.function) ? t.function : undefined;
    if (fn?.name === name && isRecord(fn.parameters)) return fn.parameters as JsonSchema;
  }
  return undefined;
}

/** A tool result that is not the scenario's JSON means the system under test failed to run the tool. */
function failedTool(body: ChatBody, shape: WireShape): string | undefined {
  if (shape === 'json-content') {
    const text = body.messages.map((m) => contentText(m.content)).join('\n');
    const at = text.indexOf('<error>');
    return at === -1 ? undefined : text.slice(at, at + 200);
  }
  const bad = body.messages.find((m) => m.role === 'tool' && !contentText(m.content).startsWith('{'));
  return bad === undefined ? undefined : contentText(bad.content).slice(0, 200);
}

function answer(step: ModelStep, shape: WireShape, body: ChatBody): Answer {
  if (shape === 'json-content') {
    const value = step.kind === 'tool' ? { intent: step.tool, ...step.args } : { intent: 'done_for_now', message: step.message };
    return { message: { role: 'assistant', content: JSON.stringify(value) }, finishReason: 'stop' };
  }
  if (step.kind === 'final') return { message: { role: 'assistant', content: step.message }, finishReason: 'stop' };
  const id = `call_${(++callCounter).toString(36)}`;
  return {
    message: {
      role: 'assistant',
      content: null,
      tool_calls: [{ id, type: 'function', function: { name: step.tool, arguments: JSON.stringify(completeArgs(step.args, toolSchema(body, step.tool))) } }],
    },
    finishReason: 'tool_calls',
  };
}

function isChatBody(value: unknown): value is ChatBody {
  return typeof value === 'object' && value !== null && Array.isArray((value as { messages?: unknown }).messages);
}

export async function startBenchStub(shapes: Readonly<Record<string, WireShape>>): Promise<BenchStub> {
  const records: StubRecord[] = [];
  const errors: string[] = [];
  const closing = new AbortController();
  let completions = 0;

  const stub: BenchStub = {
    baseUrl: (system) => `http://127.0.0.1:${port}/${system}/v1`,
    records,
    delayMs: 0,
    recordBodies: false,
    errors,
    clear() {
      records.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    handle(req, res, arrivedAt).catch((error: unknown) => {
      errors.push(error instanceof Error ? error.message : String(error));
      if (!res.headersSent) send(res, 500, { error: { message: 'stub failed', type: 'server_error' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;

  async function handle(req: IncomingMessage, res: ServerResponse, arrivedAt: number): Promise<void> {
    const match = /^\/([a-z0-9-]+)\/v1\/chat\/completions\/?$/.exec(new URL(req.url ?? '/', 'http://stub').pathname);
    const system = match?.[1];
    const shape = system === undefined ? undefined : shapes[system];
    const raw = await readBody(req);
    if (req.method !== 'POST' || system === undefined || shape === undefined) {
      errors.push(`unexpected ${req.method} ${req.url}`);
      return send(res, 404, { error: { message: `stub: no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    }
    const body: unknown = JSON.parse(raw);
    if (!isChatBody(body)) throw new Error(`${system}: request without messages`);
    const { toolResults, script, texts } = progress(body, shape);
    const failed = failedTool(body, shape);
    if (failed !== undefined) errors.push(`${system}: a tool call failed: ${failed}`);
    const step = script.kind === 'scale' ? scaleStepAfter(texts.join('\n')) : stepAfter(toolResults, script);
    const { message, finishReason } = answer(step, shape, body);
    const delayMs = stub.delayMs;
    const parsedAt = performance.now();
    if (delayMs > 0) await sleep(delayMs, closing.signal);
    const resumedAt = performance.now();
    const usage = { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: 20, total_tokens: Math.ceil(raw.length / 4) + 20 };
    const meta = { id: `chatcmpl-bench-${++completions}`, created: Math.floor(Date.now() / 1000), model: body.model ?? 'stub' };
    if (body.stream === true) sendStream(res, meta, message, finishReason, usage);
    else {
      send(res, 200, {
        ...meta,
        object: 'chat.completion',
        choices: [{ index: 0, message: { ...message, refusal: null }, logprobs: null, finish_reason: finishReason }],
        usage,
        system_fingerprint: null,
      });
    }
    const handledMs = parsedAt - arrivedAt + (performance.now() - resumedAt);
    records.push({
      system,
      arrivedAt,
      handledMs,
      delayMs,
      answeredAt: performance.now(),
      ...(script.kind === 'scale' ? { threadKey: script.key } : {}),
      ...(stub.recordBodies ? { body } : {}),
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Figure 7 opens hundreds of connections at once: a deeper accept queue than Node's default (511), so a burst
    // from a busy process is queued rather than refused (a run once ended on a peer's ECONNRESET there).
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return stub;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendStream(
  res: ServerResponse,
  meta: { id: string; created: number; model: string },
  message: Answer['message'],
  finishReason: Answer['finishReason'],
  usage: object,
): void {
  const chunk = (choices: unknown[], extra: object = {}): string =>
    `data: ${JSON.stringify({ ...meta, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
  const toolDeltas = (message.tool_calls ?? []).map((c, index) => ({ index, id: c.id, type: 'function', function: c.function }));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk([{ index: 0, delta: { role: 'assistant', content: message.content ?? '', ...(toolDeltas.length > 0 ? { tool_calls: toolDeltas } : {}) }, finish_reason: null }]));
  res.write(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
  res.write(chunk([], { usage }));
  res.end('data: [DONE]\n\n');
}
