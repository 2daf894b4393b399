// A Slack Web API double on 127.0.0.1: checks what we send to chat.postMessage, chat.update and views.open (POST, bearer token,
// JSON, channel, ts, text, Block Kit shape) the way Slack would refuse it, records every call, and answers with a fresh ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
}

export interface SlackApi {
  /** For SLACK_API_URL: http://127.0.0.1:<port>/api. */
  readonly url: string;
  /** Accepted calls, in order. */
  readonly calls: readonly SlackCall[];
  /** Refused calls with Slack's error code. */
  readonly refused: readonly string[];
  /** Resolves with the first accepted call of `method` after the first `after` calls; rejects after a bounded wait. */
  waitForCall(method: string, after: number): Promise<SlackCall>;
  close(): Promise<void>;
}

const blockTypes = new Set(['section', 'actions']);

const methods = new Set(['chat.postMessage', 'chat.update', 'views.open']);

/** Slack's own error code for what is wrong with a chat.postMessage / chat.update body, or undefined when it is fine. */
function problemOf(method: string, body: Record<string, unknown>): string | undefined {
  if (method === 'views.open') {
    const view = body['view'] as Record<string, unknown> | undefined;
    if (typeof body['trigger_id'] !== 'string' || body['trigger_id'] === '') return 'invalid_trigger_id';
    return view?.['type'] === 'modal' && (view['title'] as Record<string, unknown> | undefined)?.['type'] === 'plain_text' && Array.isArray(view['blocks']) ? undefined : 'invalid_arguments';
  }
  if (typeof body['channel'] !== 'string' || body['channel'] === '') return 'channel_not_found';
  if (method === 'chat.update' && (typeof body['ts'] !== 'string' || body['ts'] === '')) return 'message_not_found';
  if (typeof body['text'] !== 'string' || body['text'] === '') return 'no_text';
  const blocks = body['blocks'];
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return 'invalid_blocks';
  for (const block of blocks as unknown[]) {
    if (typeof block !== 'object' || block === null) return 'invalid_blocks';
    const b = block as Record<string, unknown>;
    if (typeof b['type'] !== 'string' || !blockTypes.has(b['type'])) return 'invalid_blocks';
    if (b['type'] === 'section') {
      const text = b['text'] as Record<string, unknown> | undefined;
      if (text?.['type'] !== 'mrkdwn' || typeof text['text'] !== 'string' || text['text'].length > 3000) return 'invalid_blocks';
    }
    if (b['type'] === 'actions') {
      const elements = b['elements'];
      if (!Array.isArray(elements) || elements.length === 0) return 'invalid_blocks';
      for (const e of elements as Array<Record<string, unknown>>) {
        const label = e['text'] as Record<string, unknown> | undefined;
        if (e['type'] !== 'button' || typeof e['action_id'] !== 'string' || label?.['type'] !== 'plain_text' || typeof e['value'] !== 'string') return 'invalid_blocks';
      }
    }
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSlackApi(options: { token: string }): Promise<SlackApi> {
  const calls: SlackCall[] = [];
  const refused: string[] = [];
  let next = 1;
  const answer = (res: ServerResponse, status: number, body: object): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const fail = (error: string): void => {
        refused.push(error);
        answer(res, 200, { ok: false, error });
      };
      if (req.method !== 'POST') return fail('method_not_allowed');
      if (!methods.has(method)) return fail('unknown_method');
      if (req.headers.authorization !== `Bearer ${options.token}`) return fail('invalid_auth');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return fail('invalid_content_type');
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return fail('invalid_json');
      }
      if (typeof body !== 'object' || body === null) return fail('invalid_json');
      const problem = problemOf(method, body as Record<string, unknown>);
      if (problem !== undefined) return fail(problem);
      calls.push({ method, body: body as Record<string, unknown> });
      const fields = body as Record<string, unknown>;
      answer(res, 200, { ok: true, channel: fields['channel'], ts: method === 'chat.update' ? fields['ts'] : `1700000100.${String(next++).padStart(6, '0')}` });
    })().catch(() => answer(res, 500, { ok: false, error: 'internal_error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    calls,
    refused,
    async waitForCall(method, after) {
      // Bounded: 20 s, far past any local round trip even on a loaded machine.
      for (let i = 0; i < 2000; i++) {
        const call = calls.slice(after).find((c) => c.method === method);
        if (call !== undefined) return call;
        await sleep(10);
      }
      throw new Error(`no ${method} call arrived; accepted: ${calls.map((c) => c.method).join(', ')}; refused: ${refused.join(', ')}`);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
