// Wires the email channel for a test: in-memory SQLite store, fixed clock, sequential ids, recording logger and mailer,
// and the thread service every channel writes through.
import { ThreadService } from '../../../src/runtime/thread-service.js';
import type { StepModel } from '../../../src/core/agent.js';
import { readEmailConfig, type EmailConfig } from '../../../src/channels/email/config.js';
import { EMAIL_CHANNEL } from '../../../src/channels/email/email-received.js';
import { createEmailIntake, emailApprovers, type EmailIntake } from '../../../src/channels/email/inbound/intake.js';
import type { ChannelLogger } from '../../../src/channels/email/logger.js';
import type { Mailer, OutboundEmail } from '../../../src/channels/email/outbound/mailer.js';
import { createEmailNotifier, type EmailNotifier } from '../../../src/channels/email/outbound/notifier.js';
import type { DNSResolver } from 'mailauth';
import { defaultGuardLimits } from '../../../src/core/guards.js';
import { sequentialIds, type Clock, type IdSource, type ThreadId } from '../../../src/core/ids.js';
import type { Thread } from '../../../src/core/thread.js';
import type { ThreadStore } from '../../../src/store/thread-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { testAgent } from '../../core/given.js';
import { linearIntentsForEveryAgent } from '../../support/human-intents.js';

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
  service: ThreadService;
  intake: EmailIntake;
  notifier: EmailNotifier;
}

/** The intake as a running server builds it: the thread service, with the email channel's approver rule. */
export function threadService(deps: { store: ThreadStore; config: EmailConfig; ids: IdSource; clock: Clock; onWork?: (threadId: ThreadId) => void }): ThreadService {
  const model: StepModel = async () => ({ kind: 'unavailable', reason: 'no model in channel tests', retryable: false });
  return new ThreadService({
    store: deps.store,
    agents: new Map([['linear-assistant', { definition: testAgent, model }]]),
    defaultAgent: 'linear-assistant',
    limits: defaultGuardLimits,
    ids: deps.ids,
    clock: deps.clock,
    approvers: { [EMAIL_CHANNEL]: emailApprovers(deps.config) },
    ...(deps.onWork ? { onWork: deps.onWork } : {}),
  });
}

/** The email intake of one process: its own thread service over `store`. */
export function emailIntake(deps: {
  store: ThreadStore;
  config: EmailConfig;
  ids: IdSource;
  clock: Clock;
  logger: ChannelLogger;
  resolver?: DNSResolver;
  service?: ThreadService;
}): EmailIntake {
  return createEmailIntake({
    intake: deps.service ?? threadService(deps),
    store: deps.store,
    config: deps.config,
    agent: 'linear-assistant',
    logger: deps.logger,
    mta: 'hardway.test',
    // Nothing resolves unless a test says so: no test ever reaches real DNS.
    resolver: deps.resolver ?? (async () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }))),
  });
}

export function createHarness(
  options: { env?: Record<string, string>; resolver?: DNSResolver; store?: ThreadStore; ids?: IdSource } = {},
): Harness {
  const ids = options.ids ?? sequentialIds();
  const clock = fixedClock();
  const store = options.store ?? openSqliteStore({ path: ':memory:', clock, humanIntents: linearIntentsForEveryAgent });
  const config = testConfig(options.env);
  const logger = recordingLogger();
  const mailer = captureMailer();
  const service = threadService({ store, config, ids, clock });
  const intake = emailIntake({ store, config, ids, clock, logger, service, ...(options.resolver ? { resolver: options.resolver } : {}) });
  const notifier = createEmailNotifier({ store, mailer, config, ids, clock, logger, humanIntents: linearIntentsForEveryAgent });
  return { store, config, ids, clock, logger, mailer, service, intake, notifier };
}

/** Every thread in the store, loaded. */
export async function allThreads(store: ThreadStore): Promise<Thread[]> {
  const { threads } = await store.list({ limit: 200 });
  const loaded = await Promise.all(threads.map((t) => store.load(t.id)));
  return loaded.filter((t): t is Thread => t !== undefined);
}
