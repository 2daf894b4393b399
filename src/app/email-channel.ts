// The email channel for this process, when EMAIL_ADDRESS is set: intake (webhooks and IMAP), the approval page,
// and the notifier that answers by SMTP. Invalid email settings stop the start with the exact problem.
import type { Hono } from 'hono';
import type { MayApprove } from '../core/human-input.js';
import type { Clock, IdSource } from '../core/ids.js';
import type { HumanIntents } from '../core/thread.js';
import {
  asThreadNotifier,
  createApprovalPage,
  createEmailIntake,
  createEmailNotifier,
  createEmailWebhooks,
  createFileCursorStore,
  createImapSource,
  createSmtpMailer,
  EMAIL_CHANNEL,
  emailApprovers,
  readEmailConfig,
  type ImapSource,
} from '../channels/email/index.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { Logger } from './logger.js';
import type { ThreadIntake } from './thread-service.js';
import type { Notifier } from './worker.js';

export interface EmailChannel {
  mounts: Record<string, Hono>;
  /** Who may decide approvals on this channel (by reply or by link): the intake applies it. */
  approvers: Record<string, MayApprove>;
  notifier?: Notifier;
  imap?: ImapSource;
}

export interface EmailChannelDeps {
  env: Record<string, string | undefined>;
  port: number;
  store: ThreadStore;
  /** Where everything received is written. */
  intake: ThreadIntake;
  agent: string;
  /** Each agent's human intents, from the agent registry. */
  humanIntents: (agent: string) => HumanIntents | undefined;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  /** Where the IMAP position is kept between runs. */
  cursorFile: string;
}

export function openEmailChannel(deps: EmailChannelDeps): EmailChannel | undefined {
  if (!deps.env.EMAIL_ADDRESS) return undefined;
  const result = readEmailConfig({ PUBLIC_URL: `http://127.0.0.1:${deps.port}`, ...deps.env });
  if (!result.ok) throw new Error(result.problem);
  const config = result.config;
  const logger = deps.logger.child({ channel: 'email' });
  const common = { store: deps.store, ids: deps.ids, clock: deps.clock, logger, humanIntents: deps.humanIntents };
  const intake = createEmailIntake({ intake: deps.intake, store: deps.store, config, agent: deps.agent, logger });
  const mounts: Record<string, Hono> = {
    '/webhooks/email': createEmailWebhooks({ intake, config, logger }),
    '/approvals': createApprovalPage({ intake: deps.intake, store: deps.store, clock: deps.clock, tokenSecret: config.tokenSecret, logger, humanIntents: deps.humanIntents }),
  };
  const notifier = config.smtpUrl
    ? asThreadNotifier(createEmailNotifier({ ...common, config, mailer: createSmtpMailer({ smtpUrl: config.smtpUrl, ...(config.dkim ? { dkim: config.dkim } : {}) }) }))
    : undefined;
  if (!notifier) logger.warn({}, 'SMTP_URL is not set: the assistant cannot answer by email');
  const imap = config.imap
    ? createImapSource({ settings: config.imap, intake, cursors: createFileCursorStore(deps.cursorFile), logger, maxBytes: config.maxBytes })
    : undefined;
  return { mounts, approvers: { [EMAIL_CHANNEL]: emailApprovers(config) }, ...(notifier ? { notifier } : {}), ...(imap ? { imap } : {}) };
}
