// A Linear-compatible GraphQL server on 127.0.0.1 for tests: it validates every request against Linear's real schema,
// keeps state in a local workspace, answers with Linear's error shapes and injects faults.
//
//   const workspace = createLocalWorkspace({ file: ':memory:', seedFile: 'workspace.seed.json' });
//   const linear = await startLinearDouble({ workspace });
//   const port = createSdkLinear({ apiKey: linear.apiKey, apiUrl: linear.url });
//   linear.faults.next({ kind: 'lose-response', operation: 'IssueCreate' });
//   …
//   expect(linear.invalidRequests()).toEqual([]);
//   await linear.close();
//
// A document Linear's schema rejects is answered with a validation error (HTTP 400) and recorded with `valid: false`,
// so a test can fail on it even when the client swallowed the error.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { execute, getOperationAST, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { z } from 'zod';
import { WorkspaceError } from '../../../src/linear/local-workspace/workspace-error.js';
import type { WorkspaceStore } from '../../../src/linear/local-workspace/workspace-store.js';
import { agentActivityRecorder, type AgentActivityRecorder } from './agent-activities.js';
import { faultQueue, type LinearFault, type LinearFaults } from './faults.js';
import { loadLinearSchema } from './linear-schema.js';
import { authenticationRequired, gatewayPage, invalidQuery, rateLimited, rateLimitHeaders, type LinearReply } from './linear-replies.js';
import { fieldResolver, linearRoot } from './resolvers.js';

export type { LinearFault, LinearFaults } from './faults.js';

export const LINEAR_DOUBLE_API_KEY = 'lin_api_double_0123456789abcdefghijklmnopqrstuvwxyz';

export interface LinearDoubleOptions {
  /** What it serves; requests change it as they would change Linear. */
  workspace: { readonly store: WorkspaceStore };
  /** The key requests must send, raw, in `Authorization` (Linear's personal keys take no `Bearer`). */
  apiKey?: string;
  schemaPath?: string;
  /** Requests per hour, for the X-RateLimit-Requests-* headers. Default 2,500 (Linear's for an API key). */
  requestLimit?: number;
}

export interface LinearDoubleRequest {
  index: number;
  operationName: string | null;
  query: string;
  variables: unknown;
  authorization: string | undefined;
  /** Whether the document parsed and validated against Linear's schema and its variables fit. */
  valid: boolean;
  validationErrors: string[];
  fault?: LinearFault['kind'];
  /** The HTTP status answered; absent when the request was dropped or its response lost. */
  status?: number;
  /** Messages of the GraphQL errors answered. */
  errors: string[];
}

export interface LinearDouble {
  /** `http://127.0.0.1:<port>/graphql`, the apiUrl for @linear/sdk. */
  readonly url: string;
  readonly apiKey: string;
  readonly faults: LinearFaults;
  /** Agent activities posted, per session (`agentActivityCreate`). */
  readonly activities: AgentActivityRecorder;
  readonly requests: readonly LinearDoubleRequest[];
  /** Requests Linear would have rejected as invalid GraphQL: a test bug or an adapter bug, never expected. */
  invalidRequests(): LinearDoubleRequest[];
  /** Operation names in the order received. */
  operations(): (string | null)[];
  /** Failures inside the double itself; assert empty. */
  readonly internalErrors: readonly unknown[];
  close(): Promise<void>;
}

const requestBody = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

const HOUR_MS = 3_600_000;

export async function startLinearDouble(options: LinearDoubleOptions): Promise<LinearDouble> {
  const schema = loadLinearSchema(options.schemaPath);
  const apiKey = options.apiKey ?? LINEAR_DOUBLE_API_KEY;
  const limit = options.requestLimit ?? 2_500;
  const activities = agentActivityRecorder();
  const root = { ...linearRoot(options.workspace.store), ...activities.root };
  const faults = faultQueue();
  const requests: LinearDoubleRequest[] = [];
  const internalErrors: unknown[] = [];
  const windowReset = Date.now() + HOUR_MS;
  let rateLimitedUntil = 0;
  // Aborted by close(): a held request must not keep the server (or the test run) alive.
  const closing = new AbortController();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      internalErrors.push(error);
      res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://double').pathname;
    if (req.method !== 'POST' || path !== '/graphql') return send(res, { status: 404, body: { errors: [{ message: `no route ${req.method} ${path}` }] } });

    const record: LinearDoubleRequest = {
      index: requests.length,
      operationName: null,
      query: '',
      variables: undefined,
      authorization: req.headers.authorization,
      valid: false,
      validationErrors: [],
      errors: [],
    };
    requests.push(record);

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      record.validationErrors.push('the body is not JSON');
      return reply(res, record, invalidQuery([new GraphQLError('Body is not valid JSON')]));
    }
    const body = requestBody.safeParse(json);
    if (!body.success) {
      record.validationErrors.push('the body is not a GraphQL request');
      return reply(res, record, invalidQuery([new GraphQLError('Body is not a GraphQL request: { query, variables }')]));
    }
    record.query = body.data.query;
    record.variables = body.data.variables;

    let document: DocumentNode;
    try {
      document = parse(body.data.query);
    } catch (error) {
      const syntax = error instanceof GraphQLError ? error : new GraphQLError(String(error));
      record.validationErrors.push(syntax.message);
      return reply(res, record, invalidQuery([syntax]));
    }
    record.operationName = getOperationAST(document, body.data.operationName)?.name?.value ?? null;
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      record.validationErrors.push(...invalid.map((e) => e.message));
      return reply(res, record, invalidQuery(invalid));
    }
    record.valid = true;

    const fault = faults.take(record.operationName);
    if (fault !== undefined) record.fault = fault.kind;
    switch (fault?.kind) {
      case undefined:
      case 'lose-response':
        break;
      case 'timeout':
        // Held until the client gives up (then dropped, unprocessed) or the delay passes (then answered, late).
        if (!(await hold(res, fault.delayMs ?? 60_000))) return;
        break;
      case 'status': {
        if (!(await hold(res, fault.delayMs ?? 0))) return;
        const status = fault.status ?? 503;
        record.status = status;
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...fault.headers });
        res.end(gatewayPage(status));
        return;
      }
      case 'ratelimit':
        rateLimitedUntil = Date.now() + fault.resetInMs;
        break;
      default: {
        const never: never = fault;
        throw new Error(`linear double: unknown fault ${JSON.stringify(never)}`);
      }
    }

    if (req.headers.authorization !== apiKey) return reply(res, record, authenticationRequired());
    if (Date.now() < rateLimitedUntil) return reply(res, record, rateLimited(rateLimitedUntil, limit));

    const result: ExecutionResult = await execute({
      schema,
      document,
      rootValue: root,
      variableValues: body.data.variables ?? undefined,
      operationName: body.data.operationName ?? undefined,
      fieldResolver,
    });
    if (result.data === undefined) {
      // graphql-js answers bad variables without data: Linear's schema rejects the request before running it.
      record.valid = false;
      record.validationErrors.push(...(result.errors ?? []).map((e) => e.message));
      return reply(res, record, invalidQuery(result.errors ?? []));
    }
    if (fault?.kind === 'lose-response') {
      // Committed, and the client never hears of it.
      res.socket?.destroy();
      res.destroy();
      return;
    }
    const errors = result.errors ?? [];
    const refusal = errors.map((e) => e.originalError).find((e) => e instanceof WorkspaceError);
    const payload = errors.length === 0 ? { data: result.data } : { errors: errors.map(linearErrorShape), data: result.data };
    return reply(res, record, { status: refusal?.httpStatus ?? 200, body: payload });
  }

  /** Waits `ms`; false if the client left (or the double closed) first. */
  async function hold(res: ServerResponse, ms: number): Promise<boolean> {
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    try {
      await sleep(ms, undefined, { signal: AbortSignal.any([gone.signal, closing.signal]) });
      return true;
    } catch {
      res.destroy();
      return false;
    }
  }

  function reply(res: ServerResponse, record: LinearDoubleRequest, answer: LinearReply): void {
    record.status = answer.status;
    const parsed = z.object({ errors: z.array(z.object({ message: z.string() })) }).safeParse(answer.body);
    if (parsed.success) record.errors = parsed.data.errors.map((e) => e.message);
    send(res, {
      ...answer,
      headers: { ...rateLimitHeaders(limit, limit - requests.length, windowReset), ...answer.headers },
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = z.object({ port: z.number() }).parse(server.address());

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    apiKey,
    faults,
    activities,
    requests,
    invalidRequests: () => requests.filter((r) => !r.valid),
    operations: () => requests.map((r) => r.operationName),
    internalErrors,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Linear's error entry: message, path and extensions (no source locations). */
function linearErrorShape(error: GraphQLError) {
  return { message: error.message, path: error.path, extensions: error.extensions };
}

function send(res: ServerResponse, answer: LinearReply): void {
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
