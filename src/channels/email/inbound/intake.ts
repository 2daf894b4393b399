// The one inbound pipeline every email source feeds: refuse what we must, then start or resume exactly one thread.
//
// size → loop prevention → sender authentication → parse → dedupe → strip quotes → map to thread → the intake.
// Rejected mail is logged and dropped, never answered: answering would confirm the address to spammers and feed
// mail loops. The delivery (Message-ID) is recorded in the same transaction as the event, so a redelivery is a no-op.
import type { DNSResolver } from 'mailauth';
import type { ThreadIntake } from '../../../runtime/intake.js';
import type { EventType } from '../../../core/events.js';
import type { HumanInput, MayApprove } from '../../../core/human-input.js';
import type { ThreadId } from '../../../core/ids.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import { isOwnAddress, normalizeAddress } from '../addresses.js';
import { readApprovalReply } from '../approvals/approval-reply.js';
import type { EmailConfig } from '../config.js';
import { EMAIL_CHANNEL, emailOpening, type PreviousMessage } from '../email-received.js';
import { fromHeader, readHeaderBlock } from './header-block.js';
import type { ChannelLogger } from '../logger.js';
import { automatedReason } from './loop-guard.js';
import { parseEmail, type ParsedEmail } from './parse-message.js';
import { splitReply } from './reply-text.js';
import { verifySender } from './sender-auth.js';
import { approversOf, firstEmail, participantsOf } from '../thread-people.js';
import { INBOUND_SOURCE, mapToThread } from './thread-mapping.js';

export interface InboundEmail {
  /** The message exactly as received. */
  raw: Buffer;
  /** For logs: imap, postmark, raw-webhook … */
  source: string;
  /** What the SMTP session said, when the source knows it. */
  envelope?: { mailFrom?: string; ip?: string; helo?: string };
}

export type DropReason =
  | 'too_large'
  | 'malformed'
  | 'auto_submitted'
  | 'bulk'
  | 'bounce'
  | 'own_message'
  | 'sender_not_allowed'
  | 'dmarc_failed'
  | 'invalid_reply_address'
  | 'unknown_thread'
  | 'not_participant';

export type IntakeOutcome =
  | { kind: 'started'; threadId: ThreadId }
  | { kind: 'resumed'; threadId: ThreadId; event: EventType }
  | { kind: 'duplicate' }
  | { kind: 'dropped'; reason: DropReason; detail?: string };

export type IntakeConfig = Pick<
  EmailConfig,
  'address' | 'allowedSenders' | 'approvers' | 'trustedAuthservId' | 'tokenSecret' | 'maxBytes'
>;

export interface EmailIntakeDeps {
  /** Where every start and reply is written; decisions are taken there too. */
  intake: ThreadIntake;
  /** Read only: deliveries seen, thread mapping, who takes part in a thread. */
  store: ThreadStore;
  config: IntakeConfig;
  /** The agent new threads belong to, e.g. 'linear-assistant'. */
  agent: string;
  logger: ChannelLogger;
  /** DNS for DKIM/SPF/DMARC; tests pass a fake. */
  resolver?: DNSResolver;
  /** Our host name, written by mailauth as its authserv-id. */
  mta?: string;
}

export interface EmailIntake {
  receive(mail: InboundEmail): Promise<IntakeOutcome>;
}

export function createEmailIntake(deps: EmailIntakeDeps): EmailIntake {
  const { store, config, logger } = deps;

  function drop(mail: InboundEmail, reason: DropReason, detail: string, extra: object = {}): IntakeOutcome {
    logger.warn({ source: mail.source, reason, detail, ...extra }, `email dropped: ${reason}`);
    return { kind: 'dropped', reason, detail };
  }

  async function start(mail: InboundEmail, email: ParsedEmail, body: string, previous: PreviousMessage[]): Promise<IntakeOutcome> {
    const outcome = await deps.intake.receive({
      kind: 'start',
      agent: deps.agent,
      from: { channel: EMAIL_CHANNEL, id: email.from.address },
      opening: emailOpening({
        from: email.from,
        to: email.to,
        cc: email.cc,
        subject: email.subject,
        body,
        fullBody: email.text,
        messageId: email.messageId,
        ...(email.inReplyTo !== undefined ? { inReplyTo: email.inReplyTo } : {}),
        references: email.references,
        previousThread: previous,
        attachments: email.attachments,
      }),
      delivery: { source: INBOUND_SOURCE, id: email.messageId },
    });
    if (outcome.kind !== 'started') {
      logger.info({ source: mail.source, messageId: email.messageId, threadId: outcome.threadId }, 'email already received');
      return { kind: 'duplicate' };
    }
    logger.info({ source: mail.source, messageId: email.messageId, from: email.from.address, threadId: outcome.threadId }, 'email started a thread');
    return { kind: 'started', threadId: outcome.threadId };
  }

  async function resume(mail: InboundEmail, email: ParsedEmail, body: string, threadId: ThreadId): Promise<IntakeOutcome> {
    const sender = email.from.address;
    const thread = await store.load(threadId);
    if (thread === undefined) return drop(mail, 'unknown_thread', 'the reply names a thread that does not exist', { threadId });
    if (!participantsOf(firstEmail(thread.events), config.approvers, config.address).has(sender)) {
      return drop(mail, 'not_participant', 'the sender is not a participant of the thread', { threadId, from: sender });
    }
    const outcome = await deps.intake.receive({
      kind: 'input',
      threadId,
      from: { channel: EMAIL_CHANNEL, id: sender },
      input: emailInput(body),
      metadata: { messageId: email.messageId, attachments: email.attachments },
      delivery: { source: INBOUND_SOURCE, id: email.messageId },
    });
    switch (outcome.kind) {
      case 'duplicate':
        logger.info({ source: mail.source, messageId: email.messageId, threadId }, 'email already received');
        return { kind: 'duplicate' };
      case 'recorded': {
        const event = outcome.events.at(-1)?.type ?? 'human_replied';
        if (outcome.meaning === 'not_an_approver') {
          logger.warn({ from: sender, threadId }, 'approval reply from someone who is not an approver');
        }
        logger.info({ source: mail.source, messageId: email.messageId, from: sender, threadId, event }, 'email resumed a thread');
        return { kind: 'resumed', threadId, event };
      }
      case 'started':
        throw new Error('a reply started a thread');
      default: {
        const unreachable: never = outcome;
        throw new Error(`unknown intake outcome ${JSON.stringify(unreachable)}`);
      }
    }
  }

  return {
    async receive(mail) {
      if (mail.raw.length > config.maxBytes) {
        return drop(mail, 'too_large', `message is ${mail.raw.length} bytes, the limit is ${config.maxBytes}`, { bytes: mail.raw.length });
      }
      const block = readHeaderBlock(mail.raw);
      if (!block.ok) return drop(mail, 'malformed', block.problem);
      const from = fromHeader(block.headers);
      if (!from.ok) return drop(mail, 'malformed', from.problem);
      const automated = automatedReason(block.headers, from.address, mail.envelope);
      if (automated !== undefined) return drop(mail, automated, 'sent by a machine', { from: from.address });
      if (isOwnAddress(from.address, config.address)) return drop(mail, 'own_message', 'From is the assistant itself');

      const verdict = await verifySender(
        { raw: mail.raw, headers: block.headers, fromAddress: from.address, ...(mail.envelope ? { envelope: mail.envelope } : {}) },
        {
          allowedSenders: config.allowedSenders,
          ...(config.trustedAuthservId !== undefined ? { trustedAuthservId: config.trustedAuthservId } : {}),
          ...(deps.resolver !== undefined ? { resolver: deps.resolver } : {}),
          ...(deps.mta !== undefined ? { mta: deps.mta } : {}),
        },
      );
      if (!verdict.ok) return drop(mail, verdict.reason, verdict.detail, { from: from.address });

      const parsed = await parseEmail(mail.raw);
      if (!parsed.ok) return drop(mail, 'malformed', parsed.problem);
      const email = parsed.email;
      if (email.from.address !== from.address) return drop(mail, 'malformed', 'From header decodes to two different addresses');

      if ((await store.findDelivery({ source: INBOUND_SOURCE, id: email.messageId })) !== undefined) {
        logger.info({ source: mail.source, messageId: email.messageId }, 'email already received');
        return { kind: 'duplicate' };
      }

      const split = splitReply(email.text, email.subject);
      const match = await mapToThread(
        { ...(email.inReplyTo !== undefined ? { inReplyTo: email.inReplyTo } : {}), references: email.references, recipients: [...email.to, ...email.cc].map((a) => a.address) },
        { store, ownAddress: config.address, tokenSecret: config.tokenSecret },
      );
      switch (match.kind) {
        case 'new':
          return start(mail, email, split.body, split.previous);
        case 'existing':
          return resume(mail, email, split.body, match.threadId);
        case 'invalid_reply_address':
          return drop(mail, 'invalid_reply_address', 'a reply address whose signature does not verify', { from: email.from.address });
        default: {
          const unreachable: never = match;
          throw new Error(`unknown thread match ${JSON.stringify(unreachable)}`);
        }
      }
    },
  };
}

/**
 * An unambiguous first line ("approve", "deny: wrong team") is a decision; anything else is words. Whether the
 * decision counts — is anything waiting for one, may this sender decide — is the core's to say.
 */
function emailInput(body: string): HumanInput {
  const reply = readApprovalReply(body);
  switch (reply.kind) {
    case 'approve':
      return { kind: 'decision', approve: true, text: body, ...(reply.comment ? { reason: reply.comment } : {}) };
    case 'deny':
      return { kind: 'decision', approve: false, text: body, ...(reply.reason ? { reason: reply.reason } : {}) };
    case 'other':
      return { kind: 'message', text: body };
    default: {
      const unreachable: never = reply;
      throw new Error(`unknown approval reply ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Who may decide a thread's approvals by email or by the approval link: APPROVERS, or the person who asked. */
export function emailApprovers(config: Pick<EmailConfig, 'approvers'>): MayApprove {
  return (sender, thread) =>
    sender.id !== undefined && approversOf(firstEmail(thread.events), config.approvers).includes(normalizeAddress(sender.id));
}
