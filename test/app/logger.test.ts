// Logs never carry a secret, an API key or a person's words, at any level.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createLogger, redactPaths } from '../../src/support/logger.js';

it('redacts keys, tokens, passwords and message bodies, keeping the thread id', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const log = pino({ redact: { paths: redactPaths, censor: '[redacted]' } }, sink).child({ thread_id: 'thr_1' });
  log.info({ apiKey: 'sk-live-123', headers: { authorization: 'Bearer abc' }, email: { body: 'my salary is…', subject: 's' }, config: { password: 'hunter2' } }, 'event');
  const out = lines.join('');
  for (const secret of ['sk-live-123', 'Bearer abc', 'my salary', 'hunter2']) expect(out).not.toContain(secret);
  expect(JSON.parse(out)).toMatchObject({ thread_id: 'thr_1', apiKey: '[redacted]', email: { body: '[redacted]', subject: 's' } });
});

it("an error's message is out of its stack too, not only out of its `message` field", () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const log = createLogger({ destination: sink });
  log.error({ err: new Error('could not parse "my salary is 90k"') }, 'thread run failed');
  const line = JSON.parse(lines.join('')) as { err: { type: string; message: string; stack: string } };
  expect(lines.join('')).not.toContain('my salary');
  expect(line.err).toMatchObject({ type: 'Error', message: '[redacted]' });
  expect(line.err.stack).toMatch(/^Error: \[redacted\]\n\s+at /);
});
