// The email channel's public surface: what the server and CLI wire (config, intake, sources, notifier, pages).
export { readEmailConfig, type EmailConfig, type EmailConfigResult, type ImapSettings, type DkimSettings } from './config.js';
export { Secret } from './secret.js';
export type { ChannelLogger } from './logger.js';
export {
  createEmailIntake,
  EMAIL_CHANNEL,
  emailApprovers,
  type DropReason,
  type EmailIntake,
  type EmailIntakeDeps,
  type InboundEmail,
  type IntakeOutcome,
} from './intake.js';
export { createEmailWebhooks, SIGNATURE_HEADER, type EmailWebhookDeps } from './webhooks.js';
export { createApprovalPage, type ApprovalPageDeps } from './approval-page.js';
export { createApprovalToken, verifyApprovalToken, type ApprovalClaim } from './approval-token.js';
export { createImapSource, type ImapSource, type ImapSourceDeps } from './imap-source.js';
export { createFileCursorStore, createMemoryCursorStore, type ImapCursor, type ImapCursorStore } from './imap-cursor-store.js';
export { createSmtpMailer, type Mailer, type OutboundEmail, type SendReceipt } from './mailer.js';
export { asThreadNotifier, createEmailNotifier, replySubject, type EmailNotifier, type EmailNotifierDeps, type NotifyResult } from './notifier.js';
export { threadReplyAddress } from './thread-token.js';
export { INBOUND_SOURCE, OUTBOUND_SOURCE } from './thread-mapping.js';
