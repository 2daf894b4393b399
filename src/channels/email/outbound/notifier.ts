// Delivers what a thread owes a person by email, threaded under the original mail, then records it as `message_sent`.
//
// Only threads that started by email are ours, and of their notifications those routed to email (`route.ts`: the
// person last wrote by email, or approvals go to email). Each is sent, then recorded with its
// Message-ID as an `email-out` delivery in the same append, so a reply quoting it maps back to the thread.
// Message-IDs are derived from the event id: if we crash between sending and recording, the resend carries the
// same id (mail clients fold the copy) and only one `message_sent` can ever be recorded for it.
import type { MessageSent, NewEvent, ThreadEvent } from '../../../core/events.js';
import { EMAIL_CHANNEL, type EmailReceived } from '../email-received.js';
import type { Clock, IdSource, ThreadId } from '../../../core/ids.js';
import { routedTo, type Route, type RoutePolicy } from '../../../core/route.js';
import { newestFirst, oldestFirst } from '../../../core/stack.js';
import { foldState, type MessageRef, type ThreadState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents, type Thread } from '../../../core/thread.js';
import type { Delivery, ThreadStore } from '../../../store/thread-store.js';
import { domainOf, isOwnAddress, normalizeAddress, uniqueAddresses } from '../addresses.js';
import { createApprovalToken } from '../approvals/approval-token.js';
import type { EmailConfig } from '../config.js';
import type { ChannelLogger } from '../logger.js';
import type { Mailer, OutboundEmail } from './mailer.js';
import { outboundMessageId } from './message-id.js';
import { notificationContent, type NotificationContent } from './notification-email.js';
import { approversOf, firstEmail } from '../thread-people.js';
import { OUTBOUND_SOURCE } from '../inbound/thread-mapping.js';
import { threadReplyAddress } from '../thread-token.js';
import { oneAtATime } from '../../shared/one-at-a-time.js';

export type NotifierConfig = Pick<
  EmailConfig,
  'address' | 'fromName' | 'approvers' | 'tokenSecret' | 'publicUrl' | 'approvalLinkTtlMs'
>;

export interface EmailNotifierDeps {
  store: ThreadStore;
  mailer: Mailer;
  config: NotifierConfig;
  ids: IdSource;
  clock: Clock;
  logger: ChannelLogger;
  /** Each agent's human intents, from the agent registry (the composition root supplies them). */
  humanIntents: (agent: string) => HumanIntents | undefined;
  /** Where the approval page is mounted under PUBLIC_URL. Default '/approvals'. */
  approvalPath?: string;
  /** Which notifications are email's; routed as if email were the only channel unless told. */
  routing?: RoutePolicy;
}

export type NotifyResult =
  | { kind: 'not_email' }
  | { kind: 'notified'; sent: Array<{ eventId: string; messageIds: string[] }> }
  | { kind: 'failed'; sent: Array<{ eventId: string; messageIds: string[] }>; eventId: string; error: string };

export interface EmailNotifier {
  /**
   * Sends everything the thread owes by email; safe to call after every step and concurrently. Takes the thread
   * or its id (so it fits the worker's `Notifier`); the thread is re-read either way, to see what was just sent.
   */
  notify(thread: ThreadId | Pick<Thread, 'id'>): Promise<NotifyResult>;
}

const MAX_REFERENCES = 20;

/** "Re: <subject>" without stacking prefixes from clients that localize or number them. */
export function replySubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const stripped = s.replace(/^(?:re|aw|sv|antw)(?:\[\d+\])?\s*:\s*/i, '');
    if (stripped === s) break;
    s = stripped;
  }
  return `Re: ${s === '' ? 'your request' : s}`;
}

/** Whether a message id is an email's: what the person sent by email, or a decision recorded before channels were. */
function byEmail(m: MessageRef): boolean {
  return m.channel === undefined ? m.direction === 'in' : m.channel === EMAIL_CHANNEL;
}

/** The newest email from the person (a reply or an emailed decision): what our answer replies to. */
function replyingTo(first: EmailReceived, state: ThreadState): string {
  for (const m of newestFirst(state.messages)) if (m.direction === 'in' && byEmail(m)) return m.messageId;
  return first.messageId;
}

/** The original mail, then every message of the conversation since, in order: what mail clients thread on. */
function referenceChain(first: EmailReceived, state: ThreadState): string[] {
  // Only emails: an SMS or a Slack message id means nothing to a mail client.
  const later = oldestFirst(state.messages).flatMap((m) => (byEmail(m) ? [m.messageId] : []));
  const chain = [...new Set([...first.references, first.messageId, ...later])];
  // Keep the root and the newest: that is what threading needs when the chain grows long.
  return chain.length <= MAX_REFERENCES ? chain : [chain[0] ?? first.messageId, ...chain.slice(-(MAX_REFERENCES - 1))];
}

export function createEmailNotifier(deps: EmailNotifierDeps): EmailNotifier {
  const { store, mailer, config, logger } = deps;
  const approvalPath = deps.approvalPath ?? '/approvals';
  const domain = domainOf(config.address);
  const serially = oneAtATime<ThreadId, NotifyResult>();
  const routing = deps.routing ?? { channels: [EMAIL_CHANNEL] };

  interface Letter {
    to: string[];
    cc: string[];
    content: NotificationContent;
  }

  function letters(event: ThreadEvent, first: EmailReceived, threadId: ThreadId, humanIntents: HumanIntents, route: Route): Letter[] {
    const requester = normalizeAddress(first.from.address);
    // The person where they last wrote by email (a participant who replied, say); the requester otherwise.
    const contact = route.kind === 'contact' && route.contact.from !== undefined ? normalizeAddress(route.contact.from) : requester;
    if (event.type === 'approval_requested') {
      // One mail per approver: each link names its approver, so it cannot be forwarded to someone else to decide.
      const now = deps.clock.now().getTime();
      const expiresAt = new Date(now + config.approvalLinkTtlMs);
      return approversOf(first, config.approvers).flatMap((approver) => {
        const token = createApprovalToken(
          { threadId, callId: event.data.callId, approver, expiresAt: expiresAt.getTime() },
          config.tokenSecret,
        );
        const content = notificationContent(event, humanIntents, { url: `${config.publicUrl}${approvalPath}/${token}`, expiresAt });
        return content === undefined ? [] : [{ to: [approver], cc: [], content }];
      });
    }
    const content = notificationContent(event, humanIntents);
    if (content === undefined) return [];
    const others =
      content.kind === 'question' || content.kind === 'answer'
        ? uniqueAddresses([first.from.address, ...first.to.map((a) => a.address), ...first.cc.map((a) => a.address)]).filter((a) => a !== contact && !isOwnAddress(a, config.address))
        : [];
    return [{ to: [contact], cc: others, content }];
  }

  async function run(threadId: ThreadId): Promise<NotifyResult> {
    const thread = await store.load(threadId);
    // An agent the registry does not know hands nothing to a human: only its approvals and escalations are mailed.
    const humanIntents = (thread && deps.humanIntents(thread.agent)) ?? noHumanIntents;
    let state = thread === undefined ? undefined : foldState(thread.events, humanIntents);
    const first = state === undefined ? undefined : firstEmail(state);
    if (state === undefined || first === undefined) return { kind: 'not_email' };
    const sent: Array<{ eventId: string; messageIds: string[] }> = [];
    const replyTo = threadReplyAddress(config.address, threadId, config.tokenSecret);
    for (const { event, route } of routedTo(state, EMAIL_CHANNEL, routing)) {
      const outgoing = letters(event, first, threadId, humanIntents, route);
      const records: NewEvent[] = [];
      const deliveries: Delivery[] = [];
      const references = referenceChain(first, state);
      try {
        for (const [index, letter] of outgoing.entries()) {
          const messageId = outboundMessageId({ eventId: event.id, threadId, index }, domain);
          const mail: OutboundEmail = {
            from: { name: config.fromName, address: config.address },
            to: letter.to,
            cc: letter.cc,
            replyTo,
            subject: replySubject(first.subject),
            text: letter.content.text,
            html: letter.content.html,
            messageId,
            inReplyTo: replyingTo(first, state),
            references,
            headers: {
              // RFC 3834: we are a responder; well-behaved autoresponders will not answer us back.
              'Auto-Submitted': 'auto-replied',
              // Exchange's own out-of-office and read receipts honor only this one.
              'X-Auto-Response-Suppress': 'All',
            },
          };
          await mailer.send(mail);
          const data: MessageSent = { channel: 'email', to: [...letter.to, ...letter.cc], inResponseTo: event.id, messageId };
          records.push({ id: deps.ids.eventId(), at: deps.clock.now().toISOString(), type: 'message_sent', data });
          deliveries.push({ source: OUTBOUND_SOURCE, id: messageId });
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.error({ threadId, eventId: event.id, error: message }, 'email notification not sent');
        // What did go out is still recorded, so a retry does not send it again.
        if (records.length > 0) await store.append(threadId, records, { expectedSeq: 'any', deliveries });
        return { kind: 'failed', sent, eventId: event.id, error: message };
      }
      if (records.length === 0) {
        logger.warn({ threadId, eventId: event.id, type: event.type }, 'nothing to send for a notification (no recipients)');
        continue;
      }
      const appended = await store.append(threadId, records, { expectedSeq: 'any', deliveries });
      if (!appended.duplicate) state = foldState(appended.events, humanIntents, state);
      sent.push({ eventId: event.id, messageIds: deliveries.map((d) => d.id) });
      logger.info({ threadId, eventId: event.id, kind: outgoing[0]?.content.kind, messages: deliveries.length }, 'email notification sent');
    }
    return { kind: 'notified', sent };
  }

  return {
    notify(target) {
      const threadId = typeof target === 'string' ? target : target.id;
      return serially(threadId, () => run(threadId));
    },
  };
}

/**
 * The shape the worker calls after a thread pauses (`notify(thread): Promise<void>`): a failed send becomes an
 * error there, so the worker logs that the notification stays pending.
 */
export function asThreadNotifier(notifier: EmailNotifier): { notify(thread: Pick<Thread, 'id'>): Promise<void> } {
  return {
    async notify(thread) {
      const result = await notifier.notify(thread);
      if (result.kind === 'failed') throw new Error(`email notification for ${result.eventId} not sent: ${result.error}`);
    },
  };
}
