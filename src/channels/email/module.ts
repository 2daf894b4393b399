// The email channel as a module, on when EMAIL_ADDRESS is set: intake (webhooks and IMAP), the approval page, and
// the notifier that answers by SMTP, and how its emails read in a thread (on or not). Invalid email settings stop
// the start with the exact problem.
import type { Hono } from 'hono';
import type { ChannelModule, OpenedChannel } from '../../runtime/channel-module.js';
import { createApprovalPage } from './approvals/approval-page.js';
import { readEmailConfig } from './config.js';
import { createFileCursorStore } from './inbound/imap-cursor-store.js';
import { createImapSource } from './inbound/imap-source.js';
import { describeEmailReceived, EMAIL_CHANNEL, emailUpcasters, renderEmailReceived } from './email-received.js';
import { createEmailIntake, emailApprovers } from './inbound/intake.js';
import { createSmtpMailer } from './outbound/mailer.js';
import { asThreadNotifier, createEmailNotifier } from './outbound/notifier.js';
import { createEmailWebhooks } from './inbound/webhooks.js';

/** Where the IMAP position is kept between runs, unless IMAP_CURSOR_FILE says otherwise. */
const defaultCursorFile = './data/imap-cursor.json';

export const emailChannel: ChannelModule = {
  name: EMAIL_CHANNEL,
  events: { render: renderEmailReceived, describe: describeEmailReceived, upcasters: emailUpcasters },
  open(deps): OpenedChannel | undefined {
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
      ? asThreadNotifier(createEmailNotifier({ ...common, config, ...(deps.routing ? { routing: deps.routing } : {}), mailer: createSmtpMailer({ smtpUrl: config.smtpUrl, ...(config.dkim ? { dkim: config.dkim } : {}) }) }))
      : undefined;
    if (!notifier) logger.warn({}, 'SMTP_URL is not set: the assistant cannot answer by email');
    const cursorFile = deps.env.IMAP_CURSOR_FILE ?? defaultCursorFile;
    const imap = config.imap
      ? createImapSource({ settings: config.imap, intake, cursors: createFileCursorStore(cursorFile), logger, maxBytes: config.maxBytes })
      : undefined;
    return { mounts, approvers: { [EMAIL_CHANNEL]: emailApprovers(config) }, ...(notifier ? { notifier } : {}), sources: imap ? [imap] : [] };
  },
};
