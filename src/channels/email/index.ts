// The email channel's public surface: what the server and CLI wire (config, intake, sources, notifier, pages).
export { readEmailConfig, type EmailConfig, type EmailConfigResult, type ImapSettings, type DkimSettings } from './config.js';
export { Secret } from '../shared/secret.js';
export type { ChannelLogger } from './logger.js';
export { EMAIL_CHANNEL, emailMessage, emailOf, emailUpcasters, type EmailAddress, type EmailReceived, type PreviousMessage } from './email-received.js';
export {
  createEmailIntake,
  emailApprovers,
  type DropReason,
  type EmailIntake,
  type EmailIntakeDeps,
  type InboundEmail,
  type IntakeOutcome,
} from './inbound/intake.js';
export { createEmailWebhooks, SIGNATURE_HEADER, type EmailWebhookDeps } from './inbound/webhooks.js';
export { createApprovalPage, type ApprovalPageDeps } from './approvals/approval-page.js';
export { createApprovalToken, verifyApprovalToken, type ApprovalClaim } from './approvals/approval-token.js';
export { createImapSource, type ImapSource, type ImapSourceDeps } from './inbound/imap-source.js';
export { createFileCursorStore, createMemoryCursorStore, type ImapCursor, type ImapCursorStore } from './inbound/imap-cursor-store.js';
export { createSmtpMailer, type Mailer, type OutboundEmail, type SendReceipt } from './outbound/mailer.js';
export { asThreadNotifier, createEmailNotifier, replySubject, type EmailNotifier, type EmailNotifierDeps, type NotifyResult } from './outbound/notifier.js';
export { threadReplyAddress } from './thread-token.js';
export { INBOUND_SOURCE, OUTBOUND_SOURCE } from './inbound/thread-mapping.js';
