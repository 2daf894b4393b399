// The one inbound pipeline every email source feeds: refuse what we must, then start or resume exactly one thread.
//
// size → loop prevention → sender authentication → parse → dedupe → strip quotes → map to thread → append.
// Rejected mail is logged and dropped, never answered: answering would confirm the address to spammers and feed
// mail loops. The delivery (Message-ID) is recorded in the same transaction as the event, so a redelivery is a no-op.
import type { DNSResolver } from 'mailauth';
import { HardwayError } from '../../core/errors.js';
import type { AttachmentMeta, EmailReceived, EventType, NewEvent, PreviousMessage, ThreadEvent } from '../../core/events.js';
import type { Clock, IdSource, ThreadId } from '../../core/ids.js';
import { defaultHumanIntents, deriveStatus, lastSeq, type HumanIntents } from '../../core/thread.js';
import type { ThreadStore } from '../../store/thread-store.js';
import { isOwnAddress } from './addresses.js';
import { readApprovalReply } from './approval-reply.js';
import type { EmailConfig } from './config.js';
import { fromHeader, readHeaderBlock } from './header-block.js';
import type { ChannelLogger } from './logger.js';
import { automatedReason } from './loop-guard.js';
import { parseEmail, type ParsedEmail } from './parse-message.js';
import { decisionEvent, pendingApproval, type Decision } from './pending-approval.js';
import { splitReply } from './reply-text.js';
import { verifySender } from './sender-auth.js';
import { approversOf, firstEmail, participantsOf } from './thread-people.js';
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
  store: ThreadStore;
  config: IntakeConfig;
  /** The agent new threads belong to, e.g. 'linear-assistant'. */
  agent: string;
  ids: IdSource;
  clock: Clock;
  logger: ChannelLogger;
  /** DNS for DKIM/SPF/DMARC; tests pass a fake. */
  resolver?: DNSResolver;
  /** Our host name, written by mailauth as its authserv-id. */
  mta?: string;
  humanIntents?: HumanIntents;
  /** Told after a thread got new input, so a worker can pick it up at once. */
  onWork?: (threadId: ThreadId) => void;
}

export interface EmailIntake {
  receive(mail: InboundEmail): Promise<IntakeOutcome>;
}

const MAX_CONFLICT_RETRIES = 5;

export function createEmailIntake(deps: EmailIntakeDeps): EmailIntake {
  const { store, config, logger } = deps;
  const humanIntents = deps.humanIntents ?? defaultHumanIntents;

  function drop(mail: InboundEmail, reason: DropReason, detail: string, extra: object = {}): IntakeOutcome {
    logger.warn({ source: mail.source, reason, detail, ...extra }, `email dropped: ${reason}`);
    return { kind: 'dropped', reason, detail };
  }

  async function start(mail: InboundEmail, email: ParsedEmail, body: string, previous: PreviousMessage[]): Promise<IntakeOutcome> {
    const threadId = deps.ids.threadId();
    const event: NewEvent = {
      id: deps.ids.eventId(),
      at: deps.clock.now().toISOString(),
      type: 'email_received',
      data: {
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
      },
    };
    const result = await store.create({
      id: threadId,
      agent: deps.agent,
      events: [event],
      delivery: { source: INBOUND_SOURCE, id: email.messageId },
    });
    if (!result.created) {
      logger.info({ source: mail.source, messageId: email.messageId, threadId: result.duplicateOf }, 'email already received');
      return { kind: 'duplicate' };
    }
    logger.info({ source: mail.source, messageId: email.messageId, from: email.from.address, threadId }, 'email started a thread');
    deps.onWork?.(threadId);
    return { kind: 'started', threadId };
  }

  async function resume(mail: InboundEmail, email: ParsedEmail, body: string, threadId: ThreadId): Promise<IntakeOutcome> {
    const sender = email.from.address;
    for (let attempt = 0; ; attempt++) {
      const thread = await store.load(threadId);
      if (thread === undefined) return drop(mail, 'unknown_thread', 'the reply names a thread that does not exist', { threadId });
      const first = firstEmail(thread.events);
      if (!participantsOf(first, config.approvers, config.address).has(sender)) {
        return drop(mail, 'not_participant', 'the sender is not a participant of the thread', { threadId, from: sender });
      }
      const event = withMessageId(replyEvent(thread.events, sender, body, first, email.attachments), email.messageId);
      try {
        const appended = await store.append(threadId, [event], {
          // A reply means what its place in the log makes it mean, wherever it lands: it is stored, never refused.
          // A decision names the call it read as pending, so it must land right after what was read.
          expectedSeq: event.type === 'human_replied' ? 'any' : lastSeq(thread),
          deliveries: [{ source: INBOUND_SOURCE, id: email.messageId }],
        });
        if (appended.duplicate) {
          logger.info({ source: mail.source, messageId: email.messageId, threadId }, 'email already received');
          return { kind: 'duplicate' };
        }
        logger.info({ source: mail.source, messageId: email.messageId, from: sender, threadId, event: event.type }, 'email resumed a thread');
        deps.onWork?.(threadId);
        return { kind: 'resumed', threadId, event: event.type };
      } catch (error) {
        // The decision depends on the status we read: re-read it when someone wrote first.
        if (HardwayError.isInstance(error, 'concurrency_conflict') && attempt < MAX_CONFLICT_RETRIES) continue;
        throw error;
      }
    }
  }

  /** While an approval is pending, an approver's unambiguous first line decides it; anything else is feedback. */
  function replyEvent(
    events: readonly ThreadEvent[],
    sender: string,
    body: string,
    first: EmailReceived | undefined,
    attachments: AttachmentMeta[],
  ): NewEvent {
    const pending = deriveStatus(events, humanIntents) === 'awaiting_approval' ? pendingApproval(events) : undefined;
    const reply = pending === undefined ? ({ kind: 'other' } as const) : readApprovalReply(body);
    switch (reply.kind) {
      case 'other':
        break;
      case 'approve':
      case 'deny': {
        if (pending === undefined) break;
        if (!approversOf(first, config.approvers).includes(sender)) {
          // Their words still reach the model as feedback; they just do not count as a decision.
          logger.warn({ from: sender, callId: pending.data.callId }, 'approval reply from someone who is not an approver');
          break;
        }
        const decision: Decision =
          reply.kind === 'approve'
            ? { approve: true, ...(reply.comment ? { comment: reply.comment } : {}) }
            : { approve: false, ...(reply.reason ? { reason: reply.reason } : {}) };
        return decisionEvent(pending.data.callId, sender, decision, deps);
      }
      default: {
        const unreachable: never = reply;
        throw new Error(`unknown approval reply ${JSON.stringify(unreachable)}`);
      }
    }
    return {
      id: deps.ids.eventId(),
      at: deps.clock.now().toISOString(),
      type: 'human_replied',
      data: { from: sender, channel: 'email', message: body, ...(attachments.length > 0 ? { attachments } : {}) },
    };
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

/** Remembers which email carried a reply or decision, so our answer can be threaded under it. */
function withMessageId(event: NewEvent, messageId: string): NewEvent {
  switch (event.type) {
    case 'human_replied':
    case 'approval_granted':
    case 'approval_denied':
      return { ...event, data: { ...event.data, messageId } } as NewEvent;
    default:
      return event;
  }
}
