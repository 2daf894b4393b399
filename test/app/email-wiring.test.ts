// The whole program with email on: a signed raw-MIME webhook starts a thread, the assistant's question goes out
// over SMTP threaded, the person's reply (by webhook) resumes the thread; a bad signature is refused.
import { createHmac } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import { silentLogger } from '../../src/support/logger.js';
import { rawMail, trustedPass } from '../email/support/mail.js';
import { secrets, testEnv } from '../email/support/harness.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';

let llm: StubLlm;
let smtp: SmtpReceiver;
let c: Container;

beforeAll(async () => {
  llm = await startStubLlm();
  smtp = await startSmtpReceiver();
  const config = readConfig({
    ...testEnv({ SMTP_URL: smtp.url }),
    DATABASE_URL: ':memory:',
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'stub',
    PREFETCH_TTL_MS: '0',
  });
  c = await createContainer(config, { logger: silentLogger, linear: await testWorkspace() });
});
afterAll(async () => {
  await c.close();
  await smtp.close();
  await llm.close();
});

const post = (raw: Buffer, signature = `sha256=${createHmac('sha256', secrets.webhook).update(raw).digest('hex')}`) =>
  c.app.request('/webhooks/email/raw', { method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-signature-256': signature }, body: raw });

it('refuses a bad signature with 401 and starts nothing', async () => {
  const res = await post(rawMail({ from: 'alex@example.com', headers: [trustedPass()] }), 'sha256=00');
  expect(res.status).toBe(401);
  expect((await c.store.list()).threads).toHaveLength(0);
});

it('email in → question out, threaded → reply in resumes the same thread', async () => {
  llm.script({ intent: 'request_more_information', message: 'Which team should own the restock?' }, { intent: 'done_for_now', message: 'Thanks, noted.' });
  const first = rawMail({ from: 'Alex <alex@example.com>', subject: 'Fridges', body: 'Make an issue for Austin to restock the fridges.', messageId: '<first@example.com>', headers: [trustedPass()] });
  const res = await post(first);
  expect(res.status).toBe(202);
  await c.worker.drain();
  const [sent] = await smtp.waitFor(1);
  const question = await simpleParser(sent?.raw ?? Buffer.alloc(0));
  expect(question.subject).toBe('Re: Fridges');
  expect(question.inReplyTo).toBe('<first@example.com>');
  expect(question.headers.get('auto-submitted')).toBe('auto-replied');
  expect(question.text).toContain('Which team should own the restock?');
  const replyTo = question.replyTo?.value[0]?.address ?? '';
  expect(replyTo).toMatch(/^assistant\+thr_\w+\.[\w-]+@hardway\.test$/);

  const reply = rawMail({ from: 'Alex <alex@example.com>', to: replyTo, subject: 'Re: Fridges', body: 'Operations.\n\nOn Mon, the assistant wrote:\n> Which team?', messageId: '<reply@example.com>', inReplyTo: question.messageId ?? '', references: `<first@example.com> ${question.messageId ?? ''}`, headers: [trustedPass()] });
  expect((await post(reply)).status).toBe(202);
  expect((await post(reply)).status).toBe(200);
  await c.worker.drain();
  const threads = (await c.store.list()).threads;
  expect(threads).toHaveLength(1);
  const thread = await c.service.load(threads[0]?.id ?? ('' as never));
  expect(thread.events.filter((e) => e.type === 'human_replied').map((e) => e.type === 'human_replied' && e.data.message)).toEqual(['Operations.']);
  expect(llm.requests[1]?.prompt).toContain('<human_response>\n    message: Operations.');
  const answer = await simpleParser((await smtp.waitFor(2))[1]?.raw ?? Buffer.alloc(0));
  expect(answer.text).toContain('Thanks, noted.');
  // The answer replies to the person's latest email, and the chain keeps the whole conversation in order.
  expect(answer.inReplyTo).toBe('<reply@example.com>');
  expect(answer.references).toEqual(['<first@example.com>', question.messageId, '<reply@example.com>']);
});
