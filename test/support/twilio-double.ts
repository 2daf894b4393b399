// A local stand-in for Twilio's REST API on 127.0.0.1: checks what we send (path, basic auth, To/From/Body, the
// 1600-character limit) as Twilio does, answers 201 with a message SID, and records each accepted message.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentSms {
  to: string;
  from: string;
  body: string;
  sid: string;
}

export interface TwilioDouble {
  url: string;
  sent: SentSms[];
  /** Refusals, with the reason, for assertions that nothing malformed was sent. */
  refused: string[];
  /** The next `count` sends are answered 503, as Twilio does in an outage. */
  failNext(count: number): void;
  /** Waits (bounded) until at least `count` messages were accepted. */
  waitFor(count: number): Promise<SentSms[]>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTwilioDouble(opts: { accountSid: string; authToken: string }): Promise<TwilioDouble> {
  const sent: SentSms[] = [];
  const refused: string[] = [];
  let failing = 0;
  const expectedAuth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  const server = createServer((req, res) => {
    void (async () => {
      const refuse = (status: number, reason: string) => {
        refused.push(reason);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: status, message: reason }));
      };
      if (failing > 0) {
        failing--;
        return refuse(503, 'service unavailable');
      }
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${opts.accountSid}/Messages.json`) return refuse(404, `no route ${req.method} ${req.url}`);
      if (req.headers.authorization !== expectedAuth) return refuse(401, 'authenticate');
      if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) return refuse(400, 'not a form body');
      const form = new URLSearchParams(await readBody(req));
      const to = form.get('To');
      const from = form.get('From');
      const body = form.get('Body');
      if (!to || !from) return refuse(400, 'To and From are required');
      if (body === null || body === '') return refuse(400, 'Body is required');
      if ([...body].length > 1600) return refuse(400, 'Body exceeds 1600 characters');
      const sid = `SM${String(sent.length + 1).padStart(32, '0')}`;
      sent.push({ to, from, body, sid });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued', to, from, body }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    refused,
    failNext(count) {
      failing = count;
    },
    async waitFor(count) {
      for (let i = 0; i < 500 && sent.length < count; i++) await new Promise((r) => setTimeout(r, 10));
      if (sent.length < count) throw new Error(`expected ${count} SMS, got ${sent.length} (refused: ${refused.join('; ')})`);
      return sent;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
