// Everything the assistant posts into a Linear agent session, one thread at a time and in order: the first
// `thought` right after the session's thread is written (after the webhook's ack, whatever the model's speed), an
// `action` per tool step as the worker stores it, and, when the thread pauses, what it owes the person.
//
// Each activity's id is derived from what it reports (the event id, or the session for the first thought), so a
// post retried after a crash or a lost answer cannot show twice. Every activity is recorded as `message_sent` once
// the thread pauses (not while it runs: the worker's next append would conflict with ours), the first thought as the
// answer to the opening message; so a thought or action a crash or an outage kept from Linear is posted then (the
// thought first, before the run's first action), and the worker's sweep retries what is still owed.
import type { EventOf, MessageSent, NewEvent, ThreadEvent } from '../../../core/events.js';
import type { Clock, IdSource, ThreadId } from '../../../core/ids.js';
import type { JsonObject } from '../../../core/json.js';
import { routedTo, type RoutePolicy } from '../../../core/route.js';
import { foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents, type Thread } from '../../../core/thread.js';
import type { ActivityContent, AgentActivities } from '../../../linear/agent-activities.js';
import { idempotentId } from '../../../linear/idempotent-id.js';
import type { BackgroundSource, Notifier, ThreadObserver } from '../../../runtime/channel-module.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Logger } from '../../../support/logger.js';
import { oneAtATime } from '../../shared/one-at-a-time.js';
import { LINEAR_CHANNEL, sessionIdOf } from '../linear-session.js';
import { actionContent, notificationContent, STARTED_THOUGHT } from './activity-content.js';

export interface SessionActivitiesDeps {
  store: ThreadStore;
  activities: AgentActivities;
  ids: IdSource;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  humanIntents: (agent: string) => HumanIntents | undefined;
  /** Which notifications are Linear's to post; without it, every one of a thread the session started. */
  routing?: RoutePolicy;
}

export interface SessionActivities extends BackgroundSource {
  notifier: Notifier;
  observer: ThreadObserver;
  /** Posts the first thought of a session whose thread was just written; returns at once. */
  started(threadId: ThreadId, sessionId: string): void;
  /** Resolves when every post started so far has settled (tests wait on this instead of on time). */
  settled(): Promise<void>;
}

const activityId = (key: string): string => idempotentId('activity', key);
const thoughtId = (sessionId: string): string => activityId(`${sessionId}:thought`);

export function createSessionActivities(deps: SessionActivitiesDeps): SessionActivities {
  const { store, logger } = deps;
  const routing = deps.routing ?? { channels: [LINEAR_CHANNEL] };
  const serially = oneAtATime<ThreadId, void>();
  const running = new Set<Promise<void>>();
  /** Actions posted while their thread ran, in this process: recorded at its pause without being posted again. */
  const postedLive = new Set<string>();

  function inBackground(threadId: ThreadId, label: string, task: () => Promise<void>): void {
    const p: Promise<void> = serially(threadId, task)
      .catch((error: unknown) => logger.warn({ threadId, task: label, error: error instanceof Error ? error.message : String(error) }, 'linear activity failed'))
      .finally(() => running.delete(p));
    running.add(p);
  }

  async function post(sessionId: string, id: string, content: ActivityContent): Promise<void> {
    const result = await deps.activities.create({ id, agentSessionId: sessionId, content });
    logger.info({ sessionId, activityId: id, type: content.type, result }, 'linear activity posted');
  }

  /** The Linear activities a thread recorded as sent, by the event each answers (the opening, for the first thought). */
  const recordedOf = (thread: Thread): Set<string> =>
    new Set(thread.events.flatMap((e) => (e.type === 'message_sent' && e.data.channel === LINEAR_CHANNEL ? [e.data.inResponseTo] : [])));

  /** The first thought, unless this process posted it or the thread recorded it: it must come before anything else. */
  async function ensureThought(thread: Thread, sessionId: string, recorded: ReadonlySet<string>): Promise<void> {
    const id = thoughtId(sessionId);
    const opening = thread.events[0];
    if (postedLive.has(id) || opening === undefined || recorded.has(opening.id)) return;
    await post(sessionId, id, { type: 'thought', body: STARTED_THOUGHT });
    postedLive.add(id);
  }

  function argsOf(thread: Thread, callId: string): JsonObject | undefined {
    const decided = thread.events.find((e) => e.type === 'step_decided' && e.data.callId === callId);
    return decided?.type === 'step_decided' ? decided.data.args : undefined;
  }

  async function postActions(threadId: ThreadId, outcomes: readonly EventOf<'tool_succeeded' | 'tool_failed'>[]): Promise<void> {
    const thread = await store.load(threadId);
    const sessionId = sessionIdOf(thread?.events[0]);
    if (thread === undefined || sessionId === undefined) return;
    await ensureThought(thread, sessionId, recordedOf(thread));
    for (const event of outcomes) {
      const content = actionContent(event, argsOf(thread, event.data.callId));
      if (content === undefined) continue;
      const id = activityId(event.id);
      await post(sessionId, id, content);
      postedLive.add(id);
    }
  }

  const sent = (sessionId: string, event: ThreadEvent, id: string): NewEvent => {
    const data: MessageSent = { channel: LINEAR_CHANNEL, to: [sessionId], inResponseTo: event.id, messageId: id };
    return { id: deps.ids.eventId(), at: deps.clock.now().toISOString(), type: 'message_sent', data };
  };

  async function notify(threadId: ThreadId): Promise<void> {
    const thread = await store.load(threadId);
    if (thread === undefined) return;
    const sessionId = sessionIdOf(thread.events[0]);
    if (sessionId === undefined) return;
    const recorded = recordedOf(thread);
    const actions: NewEvent[] = [];
    const opening = thread.events[0];
    if (opening !== undefined && !recorded.has(opening.id)) {
      await ensureThought(thread, sessionId, recorded);
      actions.push(sent(sessionId, opening, thoughtId(sessionId)));
    }
    for (const event of thread.events) {
      if ((event.type !== 'tool_succeeded' && event.type !== 'tool_failed') || recorded.has(event.id)) continue;
      const id = activityId(event.id);
      const content = actionContent(event, argsOf(thread, event.data.callId));
      if (content !== undefined && !postedLive.has(id)) await post(sessionId, id, content);
      actions.push(sent(sessionId, event, id));
    }
    if (actions.length > 0) {
      await store.append(threadId, actions, { expectedSeq: 'any' });
      for (const e of actions) if (e.type === 'message_sent' && e.data.messageId !== undefined) postedLive.delete(e.data.messageId);
    }
    const humanIntents = deps.humanIntents(thread.agent) ?? noHumanIntents;
    // Actions are the session's record of the work wherever the conversation went; what the person is owed goes
    // only where the routing rule sends it.
    for (const { event } of routedTo(foldState(thread.events, humanIntents), LINEAR_CHANNEL, routing)) {
      const content = notificationContent(event, humanIntents);
      if (content === undefined) continue;
      const id = activityId(event.id);
      await post(sessionId, id, content);
      await store.append(threadId, [sent(sessionId, event, id)], { expectedSeq: 'any' });
    }
  }

  const settled = async (): Promise<void> => {
    while (running.size > 0) await Promise.all([...running]);
  };

  return {
    started(threadId, sessionId) {
      inBackground(threadId, 'thought', async () => {
        await post(sessionId, thoughtId(sessionId), { type: 'thought', body: STARTED_THOUGHT });
        postedLive.add(thoughtId(sessionId));
      });
    },
    observer: {
      appended(threadId, events) {
        const outcomes = events.filter((e: ThreadEvent): e is EventOf<'tool_succeeded' | 'tool_failed'> => e.type === 'tool_succeeded' || e.type === 'tool_failed');
        if (outcomes.length > 0) inBackground(threadId, 'action', () => postActions(threadId, outcomes));
      },
    },
    notifier: {
      notify: (thread: Pick<Thread, 'id'>) => serially(thread.id, () => notify(thread.id)),
    },
    settled,
    start() {},
    stop: settled,
  };
}
