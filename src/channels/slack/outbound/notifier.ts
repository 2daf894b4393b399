// Delivers what a thread owes a person on Slack, in the Slack thread it started in, then records it as `message_sent`.
//
// Only threads that started on Slack are ours. Each posted message's `{channel}:{ts}` is recorded as a `slack-out`
// delivery in the same append, so a Slack thread opened under one of our answers maps back to the thread.
import type { MessageSent } from '../../../core/events.js';
import type { Clock, IdSource, ThreadId } from '../../../core/ids.js';
import { foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents, type Thread } from '../../../core/thread.js';
import type { Notifier } from '../../../runtime/channel-module.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Logger } from '../../../support/logger.js';
import { oneAtATime } from '../../shared/one-at-a-time.js';
import { messageKey, OUTBOUND_SOURCE, SLACK_CHANNEL, slackPlaceOf } from '../slack-message.js';
import { slackNotification } from './blocks.js';
import type { SlackWebApi } from './web-api.js';

export interface SlackNotifierDeps {
  store: ThreadStore;
  api: SlackWebApi;
  ids: IdSource;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  humanIntents: (agent: string) => HumanIntents | undefined;
}

export function createSlackNotifier(deps: SlackNotifierDeps): Notifier {
  const { store, logger } = deps;
  const serially = oneAtATime<ThreadId, void>();

  async function run(threadId: ThreadId): Promise<void> {
    const thread = await store.load(threadId);
    if (thread === undefined) return;
    const place = slackPlaceOf(thread.events[0]);
    if (place === undefined) return;
    const humanIntents = deps.humanIntents(thread.agent) ?? noHumanIntents;
    const state = foldState(thread.events, humanIntents);
    for (const event of state.pendingNotifications) {
      const content = slackNotification(event, threadId, humanIntents);
      if (content === undefined) continue;
      const ts = await deps.api.postMessage({ channel: place.channel, threadTs: place.threadTs, text: content.text, blocks: content.blocks });
      const messageId = messageKey(place.channel, ts);
      const data: MessageSent = { channel: SLACK_CHANNEL, to: [place.channel], inResponseTo: event.id, messageId };
      await store.append(threadId, [{ id: deps.ids.eventId(), at: deps.clock.now().toISOString(), type: 'message_sent', data }], {
        expectedSeq: 'any',
        deliveries: [{ source: OUTBOUND_SOURCE, id: messageId }],
      });
      logger.info({ threadId, eventId: event.id, type: event.type }, 'slack notification posted');
    }
  }

  return {
    notify: (target: Pick<Thread, 'id'>) => serially(target.id, () => run(target.id)),
  };
}
