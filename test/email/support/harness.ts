// Wires the email channel for a test: in-memory SQLite store, fixed clock, sequential ids, recording logger and mailer.
import { readEmailConfig, type EmailConfig } from '../../../src/channels/email/config.js';
import { createEmailIntake, type EmailIntake } from '../../../src/channels/email/intake.js';
import type { ChannelLogger } from '../../../src/channels/email/logger.js';
import type { Mailer, OutboundEmail } from '../../../src/channels/email/mailer.js';
import { createEmailNotifier, type EmailNotifier } from '../../../src/channels/email/notifier.js';
import type { DNSResolver } from 'mailauth';
import { sequentialIds, type Clock, type IdSource } from '../../../src/core/ids.js';
import type { Thread } from '../../../src/core/thread.js';
import type { ThreadStore } from '../../../src/store/thread-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

export const secrets = {
  token: 'token-secret-0123456789abcdef0123456789abcdef',
  webhook: 'webhook-secret-0123456789abcdef0123456789abcdef',
  postmark: 'postmark-token-0123456789',
};

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    EMAIL_ADDRESS: 'assistant@hardway.test',
    EMAIL_FROM_NAME: 'Linear Assistant',
    ALLOWED_SENDERS: '@example.com, carol@partner.test',
    TRUSTED_AUTHSERV_ID: 'mx.hardway.test',
    EMAIL_TOKEN_SECRET: secrets.token,
    EMAIL_WEBHOOK_SECRET: secrets.webhook,
    POSTMARK_WEBHOOK_TOKEN: secrets.postmark,
    PUBLIC_URL: 'https://hardway.test',
    EMAIL_MAX_BYTES: '65536',
    ...extra,
  };
}

export function testConfig(extra: Record<string, string> = {}): EmailConfig {
  const result = readEmailConfig(testEnv(extra));
  if (!result.ok) throw new Error(result.problem);
  return result.config;
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export function recordingLogger(): ChannelLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  };
}

export function captureMailer(): Mailer & { sent: OutboundEmail[] } {
  const sent: OutboundEmail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
      return { accepted: [...mail.to, ...mail.cc], rejected: [] };
    },
    close() {},
  };
}

export function fixedClock(start = '2025-03-03T11:00:00.000Z'): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = new Date(iso);
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export interface Harness {
  store: ThreadStore;
  config: EmailConfig;
  ids: IdSource;
  clock: ReturnType<typeof fixedClock>;
  logger: ReturnType<typeof recordingLogger>;
  mailer: ReturnType<typeof captureMailer>;
  intake: EmailIntake;
  notifier: EmailNotifier;
}

export function createHarness(
  options: { env?: Record<string, string>; resolver?: DNSResolver; store?: ThreadStore; ids?: IdSource } = {},
): Harness {
  const ids = options.ids ?? sequentialIds();
  const clock = fixedClock();
  const store = options.store ?? openSqliteStore({ path: ':memory:', clock });
  const config = testConfig(options.env);
  const logger = recordingLogger();
  const mailer = captureMailer();
  const intake = createEmailIntake({
    store,
    config,
    agent: 'linear-assistant',
    ids,
    clock,
    logger,
    mta: 'hardway.test',
    // Nothing resolves unless a test says so: no test ever reaches real DNS.
    resolver: options.resolver ?? (async () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }))),
  });
  const notifier = createEmailNotifier({ store, mailer, config, ids, clock, logger });
  return { store, config, ids, clock, logger, mailer, intake, notifier };
}

/** Every thread in the store, loaded. */
export async function allThreads(store: ThreadStore): Promise<Thread[]> {
  const { threads } = await store.list({ limit: 200 });
  const loaded = await Promise.all(threads.map((t) => store.load(t.id)));
  return loaded.filter((t): t is Thread => t !== undefined);
}
