// Delivers the notifications routed to SMS (`route.ts`: the person last wrote by SMS, wherever the thread started):
// each goes to the number they wrote from, in as many SMS as it takes, then is recorded as `message_sent` (with the
// first part's SID) so it is sent once.
import type { NewEvent } from '../../../core/events.js';
import type { Clock, IdSource, ThreadId } from '../../../core/ids.js';
import { routedTo, type RoutePolicy } from '../../../core/route.js';
import { foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents, type Thread } from '../../../core/thread.js';
import type { Notifier } from '../../../runtime/channel-module.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Logger } from '../../../support/logger.js';
import { oneAtATime } from '../../shared/one-at-a-time.js';
import type { Secret } from '../../shared/secret.js';
import { approvalCode } from '../approvals/approval-code.js';
import { SMS_CHANNEL } from '../sms-thread.js';
import { smsText, splitSms } from './sms-text.js';
import type { SmsSender } from './twilio-client.js';

export interface SmsNotifierDeps {
  store: ThreadStore;
  sender: SmsSender;
  codeSecret: Secret;
  ids: IdSource;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  humanIntents: (agent: string) => HumanIntents | undefined;
  /** Which notifications are SMS's; routed as if SMS were the only channel unless told. */
  routing?: RoutePolicy;
}

export function createSmsNotifier(deps: SmsNotifierDeps): Notifier {
  const { store, logger } = deps;
  const serially = oneAtATime<ThreadId, void>();
  const routing = deps.routing ?? { channels: [SMS_CHANNEL] };

  async function run(threadId: ThreadId): Promise<void> {
    const thread = await store.load(threadId);
    if (thread === undefined) return;
    const humanIntents = deps.humanIntents(thread.agent) ?? noHumanIntents;
    for (const { event, route } of routedTo(foldState(thread.events, humanIntents), SMS_CHANNEL, routing)) {
      // SMS has no approvals place of its own: the module refuses APPROVALS_CHANNEL=sms, so this is a contact.
      const phone = route.kind === 'contact' ? route.contact.from : undefined;
      if (phone === undefined) {
        logger.warn({ threadId, eventId: event.id }, 'sms notification with no number to send it to: it stays owed');
        continue;
      }
      const code = event.type === 'approval_requested' ? approvalCode(deps.codeSecret, threadId, event.data.callId) : undefined;
      const text = smsText(event, humanIntents, code);
      if (text === undefined) continue;
      const sids: string[] = [];
      for (const part of splitSms(text)) sids.push(await deps.sender.send(phone, part));
      const record: NewEvent = {
        id: deps.ids.eventId(),
        at: deps.clock.now().toISOString(),
        type: 'message_sent',
        data: { channel: SMS_CHANNEL, to: [phone], inResponseTo: event.id, ...(sids[0] !== undefined ? { messageId: sids[0] } : {}) },
      };
      await store.append(threadId, [record], { expectedSeq: 'any' });
      logger.info({ threadId, eventId: event.id, parts: sids.length }, 'sms notification sent');
    }
  }

  return {
    notify: (thread: Pick<Thread, 'id'>) => serially(thread.id, () => run(thread.id)),
  };
}
