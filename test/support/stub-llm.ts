// A scripted OpenAI-compatible model on 127.0.0.1, so tests and benchmarks drive real clients (BAML) offline.
//
//   const llm = await startStubLlm();
//   llm.script({ intent: 'list_teams' }, { status: 429, retryAfterSeconds: 1 }, 'plain text');
//   …point the client at llm.baseUrl…
//   expect(llm.requests[0]?.prompt).toContain('fridge');
//   await llm.close();
//
// It also answers Anthropic's Messages API (POST /v1/messages, or /messages under a base without /v1) from the same
// script, in Anthropic's wire shapes, so the anthropic provider can be tested the same way.
//
// Each chat-completions request plays the next scripted reply, in order, streamed (SSE) or not as the client asks.
// An empty script answers 500 at once (and counts it in `exhausted`) so a missing reply fails a test, never hangs it.
// Replies go to requests in arrival order; when callers run concurrently, a function reply that looks at the prompt
// keeps the pairing deterministic.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  chatRequestSchema,
  completionBody,
  defaultFaultBody,
  errorBody,
  cacheCounts,
  estimateUsage,
  messagesOf,
  streamEvents,
  type CompletionMeta,
  type StubRequest,
} from './stub-llm/openai-wire.js';
import { classify, type Play, type StubHttpFault, type StubReply } from './stub-llm/reply.js';
import {
  anthropicErrorBody,
  anthropicMessagesOf,
  messageBody,
  messagesRequestSchema,
  messageStreamEvents,
} from './stub-llm/anthropic-wire.js';

export type { StubApi, StubMessage, StubRequest } from './stub-llm/openai-wire.js';
export type {
  FinishReason,
  StubCompletion,
  StubDelay,
  StubDynamic,
  StubHangUp,
  StubHttpFault,
  StubJson,
  StubRawBody,
  StubReply,
  StubUsage,
} from './stub-llm/reply.js';
export { StubScriptError } from './stub-llm/reply.js';

export interface StubLlmOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Model id listed by GET /v1/models and answered when a request names none. Default "stub". */
  readonly model?: string;
  /** Into how many content deltas a streamed reply is cut (fewer for short content). Default 4. */
  readonly streamChunks?: number;
}

export interface StubLlm {
  /** "http://127.0.0.1:<port>/v1", what OpenAI-compatible clients take as their base URL. */
  readonly baseUrl: string;
  readonly port: number;
  /** Queues replies, played in order, one per chat-completions request. Malformed replies throw StubScriptError here. */
  script(...replies: StubReply[]): StubLlm;
  /** Every chat-completions request received, including those answered by a fault or an exhausted script. */
  readonly requests: readonly StubRequest[];
  /** How many scripted replies are still queued. */
  remaining(): number;
  /** How many requests found the script empty (each answered 500). */
  readonly exhausted: number;
  /** Errors thrown by function replies (each answered 500) or inside the stub; a test bug, so assert it is empty. */
  readonly scriptErrors: readonly unknown[];
  /** Forgets the queue, the requests and the counters, keeping the server up (for reuse across tests). */
  reset(): void;
  /** Stops listening, drops open connections and cancels pending delays. Safe to call twice. */
  close(): Promise<void>;
}

export async function startStubLlm(options: StubLlmOptions = {}): Promise<StubLlm> {
  const model = options.model ?? 'stub';
  const streamChunks = options.streamChunks ?? 4;
  const queue: StubReply[] = [];
  const requests: StubRequest[] = [];
  const scriptErrors: unknown[] = [];
  let exhausted = 0;
  let completions = 0;
  // Aborted by close(): a delayed reply must not keep the server (or the test run) alive.
  const closing = new AbortController();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // handle() answers its own errors; reaching here means even that failed, so drop the connection.
      scriptErrors.push(error);
      res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stub').pathname.replace(/\/+$/, '');
    const raw = await readBody(req);
    if (path === '/v1/models' || path === '/models') {
      if (req.method !== 'GET') return sendJson(res, 405, errorBody(`stub-llm: ${req.method} not allowed`, 'invalid_request_error'));
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: model, object: 'model', created: 0, owned_by: 'stub-llm' }],
      });
    }
    const api = path === '/v1/chat/completions' || path === '/chat/completions' ? 'openai' : path === '/v1/messages' || path === '/messages' ? 'anthropic' : undefined;
    if (api === undefined) {
      return sendJson(res, 404, errorBody(`stub-llm: no route ${req.method} ${path}`, 'invalid_request_error', 'unknown_url'));
    }
    if (req.method !== 'POST') return sendJson(res, 405, errorBody(`stub-llm: ${req.method} not allowed`, 'invalid_request_error'));

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, errorBody('stub-llm: the request body is not valid JSON', 'invalid_request_error'));
    }
    const parsed = chatRequestSchema.safeParse(json);
    const native = api === 'anthropic' ? messagesRequestSchema.safeParse(json) : undefined;
    const problem = native?.success === false ? native.error : parsed.success ? undefined : parsed.error;
    if (problem !== undefined || !parsed.success) {
      const why = (problem?.issues ?? []).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      const message = `stub-llm: invalid ${api === 'anthropic' ? 'messages' : 'chat'} request: ${why}`;
      return sendJson(res, 400, api === 'anthropic' ? anthropicErrorBody(400, message) : errorBody(message, 'invalid_request_error'));
    }
    const body = parsed.data;
    const messages = native?.success === true ? anthropicMessagesOf(native.data) : messagesOf(body);
    const request: StubRequest = {
      index: requests.length,
      api,
      path,
      headers: req.headers,
      body,
      rawBody: raw,
      model: body.model,
      messages,
      prompt: messages.map((m) => m.content).join('\n'),
      stream: body.stream === true,
      at: new Date(),
    };
    requests.push(request);

    const next = queue.shift();
    if (next === undefined) {
      exhausted += 1;
      const message = 'stub-llm: script exhausted';
      return sendJson(res, 500, api === 'anthropic' ? anthropicErrorBody(500, message) : errorBody(message, 'server_error'));
    }
    // Aborted when the client goes away, so a delay for a client that timed out writes nothing.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, closing.signal]);
    await play(next, request, res, signal);
  }

  async function play(reply: StubReply, request: StubRequest, res: ServerResponse, signal: AbortSignal): Promise<void> {
    let step: Play;
    try {
      step = classify(reply);
    } catch (error) {
      // Only function results get here: queued replies were classified in script().
      scriptErrors.push(error);
      return sendJson(res, 500, errorBody(`stub-llm: ${describe(error)}`, 'server_error'));
    }
    switch (step.kind) {
      case 'completion': {
        const meta: CompletionMeta = {
          id: `chatcmpl-stub-${++completions}`,
          created: Math.floor(Date.now() / 1000),
          model: request.model ?? model,
        };
        const usage = estimateUsage(request.messages, step.content, step.usage);
        if (request.api === 'anthropic') {
          const cache = cacheCounts(step.usage);
          if (!request.stream) return sendJson(res, 200, messageBody(meta, step.content, step.finishReason, usage, cache));
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
          for (const event of messageStreamEvents(meta, step.content, step.finishReason, usage, cache)) res.write(event);
          res.end();
          return;
        }
        if (!request.stream) return sendJson(res, 200, completionBody(meta, step.content, step.finishReason, usage));
        const withUsage = request.body.stream_options?.include_usage === true;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        for (const event of streamEvents(meta, step.content, step.finishReason, withUsage ? usage : undefined, streamChunks)) {
          res.write(event);
        }
        res.end();
        return;
      }
      case 'http-fault':
        return sendFault(res, step.fault, request.api);
      case 'raw':
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        res.end(step.body);
        return;
      case 'delay':
        try {
          await sleep(step.delayMs, undefined, { signal });
        } catch {
          res.destroy();
          return;
        }
        return play(step.then, request, res, signal);
      case 'hang-up':
        res.socket?.destroy();
        res.destroy();
        return;
      case 'dynamic': {
        let next: StubReply;
        try {
          // Awaited only when it is a promise: awaiting a plain `{ delayMs, then: fn }` would call fn as a thenable.
          const result = step.reply(request);
          next = result instanceof Promise ? await result : result;
        } catch (error) {
          scriptErrors.push(error);
          return sendJson(res, 500, errorBody(`stub-llm: a function reply threw: ${describe(error)}`, 'server_error'));
        }
        return play(next, request, res, signal);
      }
      default: {
        const never: never = step;
        throw new Error(`stub-llm: unhandled reply ${JSON.stringify(never)}`);
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('stub-llm: server has no TCP address');
  const { port } = address satisfies AddressInfo;

  let closed: Promise<void> | undefined;
  const llm: StubLlm = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    script(...replies) {
      for (const reply of replies) classify(reply);
      queue.push(...replies);
      return llm;
    },
    get requests() {
      return requests;
    },
    remaining: () => queue.length,
    get exhausted() {
      return exhausted;
    },
    get scriptErrors() {
      return scriptErrors;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      scriptErrors.length = 0;
      exhausted = 0;
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closed;
    },
  };
  return llm;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendFault(res: ServerResponse, fault: StubHttpFault, api: StubRequest['api']): void {
  const headers: Record<string, string> = { ...fault.headers };
  if (fault.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.ceil(fault.retryAfterSeconds));
    // OpenAI's own hint, in milliseconds; some clients (the openai SDK) prefer it over retry-after.
    headers['retry-after-ms'] = String(Math.round(fault.retryAfterSeconds * 1000));
  }
  if (typeof fault.body === 'string') {
    res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(fault.body);
    return;
  }
  const fallback = api === 'anthropic' ? anthropicErrorBody(fault.status, defaultFaultBody(fault.status).error.message) : defaultFaultBody(fault.status);
  sendJson(res, fault.status, fault.body ?? fallback, headers);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
