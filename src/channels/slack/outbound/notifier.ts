// Delivers what a thread owes a person on Slack, then records it as `message_sent`: the notifications routed to
// Slack (`route.ts`), in the Slack thread the person last wrote in, or, for approval requests when
// APPROVALS_CHANNEL=slack, as a new message in the approvals channel where approvers see the buttons.
//
// Each posted message's `{channel}:{ts}` is recorded as a `slack-out` delivery in the same append, so a Slack thread
// opened under one of our answers maps back to the thread.
import type { MessageSent } from '../../../core/events.js';
import type { Clock, IdSource, ThreadId } from '../../../core/ids.js';
import { routedTo, type Route, type RoutePolicy } from '../../../core/route.js';
import { foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents, type Thread } from '../../../core/thread.js';
import type { Notifier } from '../../../runtime/channel-module.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Logger } from '../../../support/logger.js';
import { oneAtATime } from '../../shared/one-at-a-time.js';
import { messageKey, OUTBOUND_SOURCE, parseMessageKey, SLACK_CHANNEL, slackPlaceOf } from '../slack-message.js';
import { slackNotification } from './blocks.js';
import type { SlackWebApi } from './web-api.js';

export interface SlackNotifierDeps {
  store: ThreadStore;
  api: SlackWebApi;
  ids: IdSource;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  humanIntents: (agent: string) => HumanIntents | undefined;
  /** Which notifications are Slack's; routed as if Slack were the only channel unless told. */
  routing?: RoutePolicy;
  /** The channel id approval requests routed to Slack's approvals place go to (SLACK_APPROVALS_CHANNEL). */
  approvalsChannel?: string;
}

interface Place {
  channel: string;
  threadTs?: string;
}

export function createSlackNotifier(deps: SlackNotifierDeps): Notifier {
  const { store, logger } = deps;
  const serially = oneAtATime<ThreadId, void>();
  const routing = deps.routing ?? { channels: [SLACK_CHANNEL] };

  function placeOf(route: Route): Place | undefined {
    switch (route.kind) {
      case 'approvals':
        return deps.approvalsChannel === undefined ? undefined : { channel: deps.approvalsChannel };
      case 'contact': {
        const { contact } = route;
        if (contact.event.type === 'message_received') return slackPlaceOf(contact.event);
        // A reply: answered in the Slack thread it was written in.
        const key = parseMessageKey(contact.thread ?? contact.messageId ?? '');
        return key === undefined ? undefined : { channel: key.channel, threadTs: key.ts };
      }
      default: {
        const unreachable: never = route;
        throw new Error(`unknown route ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async function run(threadId: ThreadId): Promise<void> {
    const thread = await store.load(threadId);
    if (thread === undefined) return;
    const humanIntents = deps.humanIntents(thread.agent) ?? noHumanIntents;
    for (const { event, route } of routedTo(foldState(thread.events, humanIntents), SLACK_CHANNEL, routing)) {
      const place = placeOf(route);
      if (place === undefined) {
        logger.warn({ threadId, eventId: event.id, route: route.kind }, 'slack notification with no Slack place to post it in: it stays owed');
        continue;
      }
      const content = slackNotification(event, threadId, humanIntents);
      if (content === undefined) continue;
      const ts = await deps.api.postMessage({ channel: place.channel, ...(place.threadTs !== undefined ? { threadTs: place.threadTs } : {}), text: content.text, blocks: content.blocks });
      const messageId = messageKey(place.channel, ts);
      const data: MessageSent = { channel: SLACK_CHANNEL, to: [place.channel], inResponseTo: event.id, messageId };
      await store.append(threadId, [{ id: deps.ids.eventId(), at: deps.clock.now().toISOString(), type: 'message_sent', data }], {
        expectedSeq: 'any',
        deliveries: [{ source: OUTBOUND_SOURCE, id: messageId }],
      });
      logger.info({ threadId, eventId: event.id, type: event.type, route: route.kind }, 'slack notification posted');
    }
  }

  return {
    notify: (target: Pick<Thread, 'id'>) => serially(target.id, () => run(target.id)),
  };
}
