// One inbound SMS → start a thread, or answer the one its number has waiting. Approvals need the code we sent.
import type { HumanInput, MayApprove } from '../../../core/human-input.js';
import type { ThreadId } from '../../../core/ids.js';
import { nobody, type People } from '../../../core/people.js';
import type { RoutePolicy } from '../../../core/route.js';
import { foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents } from '../../../core/thread.js';
import type { ThreadIntake } from '../../../runtime/intake.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Logger } from '../../../support/logger.js';
import type { Secret } from '../../shared/secret.js';
import { codeMatches, readSmsReply } from '../approvals/approval-code.js';
import { SMS_CHANNEL, SMS_DELIVERY_SOURCE, smsRequester } from '../sms-thread.js';
import { waitingThreadOf } from './phone-threads.js';

export interface InboundSms {
  messageSid: string;
  from: string;
  body: string;
}

export type SmsOutcome =
  | { kind: 'started'; threadId: ThreadId }
  | { kind: 'resumed'; threadId: ThreadId }
  | { kind: 'duplicate' }
  | { kind: 'dropped'; reason: 'number_not_allowed' };

export interface SmsIntakeDeps {
  intake: ThreadIntake;
  store: ThreadStore;
  allowedNumbers: readonly string[];
  codeSecret: Secret;
  agent: string;
  humanIntents: (agent: string) => HumanIntents | undefined;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Whose identities a number stands for, so it finds their thread whichever channel it is on. */
  people?: People;
  routing?: Pick<RoutePolicy, 'channels'>;
}

export interface SmsIntake {
  receive(sms: InboundSms): Promise<SmsOutcome>;
}

export function createSmsIntake(deps: SmsIntakeDeps): SmsIntake {
  const { store, logger } = deps;

  /** A decision only with the code sent for the request pending now; a wrong or stale code leaves it words. */
  async function inputFor(threadId: ThreadId, body: string): Promise<HumanInput> {
    const reply = readSmsReply(body);
    if (reply.kind === 'other') return { kind: 'message', text: body };
    const thread = await store.load(threadId);
    const state = thread === undefined ? undefined : foldState(thread.events, deps.humanIntents(thread.agent) ?? noHumanIntents);
    const pending = state?.status === 'awaiting_approval' ? state.pendingApproval : undefined;
    if (pending === undefined || !codeMatches(deps.codeSecret, threadId, pending.data.callId, reply.code)) {
      logger.warn({ threadId }, 'sms approval with a code that does not match the pending request: taken as words');
      return { kind: 'message', text: body };
    }
    const callId = pending.data.callId;
    switch (reply.kind) {
      case 'approve':
        return { kind: 'decision', approve: true, callId, text: body, ...(reply.comment ? { reason: reply.comment } : {}) };
      case 'deny':
        return { kind: 'decision', approve: false, callId, text: body, ...(reply.reason ? { reason: reply.reason } : {}) };
      default: {
        const unreachable: never = reply;
        throw new Error(`unknown sms reply ${JSON.stringify(unreachable)}`);
      }
    }
  }

  return {
    async receive(sms) {
      if (!deps.allowedNumbers.includes(sms.from)) {
        logger.warn({ from: sms.from }, 'sms dropped: number not allowed');
        return { kind: 'dropped', reason: 'number_not_allowed' };
      }
      const delivery = { source: SMS_DELIVERY_SOURCE, id: sms.messageSid };
      if ((await store.findDelivery(delivery)) !== undefined) return { kind: 'duplicate' };
      const from = { channel: SMS_CHANNEL, id: sms.from };
      const threadId = await waitingThreadOf(store, sms.from, { people: deps.people ?? nobody, humanIntents: deps.humanIntents, routing: deps.routing ?? {} });
      if (threadId === undefined) {
        const outcome = await deps.intake.receive({ kind: 'start', agent: deps.agent, from, opening: { kind: 'message', text: sms.body, metadata: { messageId: sms.messageSid } }, delivery });
        if (outcome.kind !== 'started') return { kind: 'duplicate' };
        logger.info({ threadId: outcome.threadId }, 'sms started a thread');
        return { kind: 'started', threadId: outcome.threadId };
      }
      const outcome = await deps.intake.receive({ kind: 'input', threadId, from, input: await inputFor(threadId, sms.body), metadata: { messageId: sms.messageSid }, delivery });
      if (outcome.kind === 'duplicate') return { kind: 'duplicate' };
      logger.info({ threadId, meaning: outcome.kind === 'recorded' ? outcome.meaning : outcome.kind }, 'sms resumed a thread');
      return { kind: 'resumed', threadId };
    },
  };
}

/** Who may decide by SMS: the number that started the thread (it also had to be allowed and to know the code). */
export const smsApprovers: MayApprove = (sender, thread) => sender.id !== undefined && sender.id === smsRequester(thread.events);
