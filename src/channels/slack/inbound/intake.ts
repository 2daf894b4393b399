// Turns a verified Slack event or button click into at most one intake call: who may speak, which thread, which input.
//
// A DM or an @mention starts a thread; a message in a Slack thread we know resumes it. Bots (ours included), edits
// and every other subtype are ignored, so nothing we post loops back. The delivery is the message (`{channel}:{ts}`):
// Slack's retries of an event carry the same message, and so do the two events (message.im, app_mention) one
// message can raise, so each is written once.
import type { HumanInput, MayApprove } from '../../../core/human-input.js';
import { asCallId, parseThreadId, type CallId, type ThreadId } from '../../../core/ids.js';
import { foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents } from '../../../core/thread.js';
import type { ThreadIntake } from '../../../runtime/intake.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Logger } from '../../../support/logger.js';
import type { SlackConfig } from '../config.js';
import { ACTION_SOURCE, INBOUND_SOURCE, messageKey, OUTBOUND_SOURCE, SLACK_CHANNEL, slackOpening } from '../slack-message.js';
import {
  APPROVE_ACTION,
  approvalValueSchema,
  DENY_ACTION,
  DENY_REASON_VIEW,
  denyContextSchema,
  REASON_BLOCK,
  REASON_INPUT,
  parseJson,
  type BlockActions,
  type SlackEvent,
  type ViewSubmission,
} from './payloads.js';

export type SlackOutcome =
  | { kind: 'started'; threadId: ThreadId }
  | { kind: 'resumed'; threadId: ThreadId }
  | { kind: 'duplicate' }
  /** A deny click: the reason is asked in a modal, and the denial is taken when it is submitted. */
  | { kind: 'reason_asked' }
  | { kind: 'ignored'; reason: IgnoreReason };

export type IgnoreReason =
  | 'other_workspace'
  | 'not_a_person'
  | 'user_not_allowed'
  | 'not_for_us'
  | 'not_an_approver'
  | 'stale_action'
  | 'unknown_action';

export interface SlackIntakeDeps {
  intake: ThreadIntake;
  store: ThreadStore;
  config: Pick<SlackConfig, 'teamId' | 'allowedUsers' | 'approvers'>;
  agent: string;
  humanIntents: (agent: string) => HumanIntents | undefined;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** The process's approver rule across channels and people; without it, SLACK_APPROVERS alone. */
  approves?: MayApprove;
  /** Told of each decision taken by a click, with the clicked message: to show the decision there. */
  onDecided?: (decision: ClickedDecision) => void;
  /** Told of a deny click that can open a modal: to ask the reason. */
  onDenyClicked?: (request: DenyRequest) => void;
}

export interface DenyRequest {
  triggerId: string;
  /** JSON of `denyContextSchema`, handed back by Slack on submit. */
  context: string;
  summary: string;
}

export interface ClickedDecision {
  channel: string;
  ts: string;
  approve: boolean;
  user: string;
  summary: string;
}

export interface SlackIntake {
  event(teamId: string, event: SlackEvent): Promise<SlackOutcome>;
  action(payload: BlockActions): Promise<SlackOutcome>;
  denyReason(payload: ViewSubmission): Promise<SlackOutcome>;
}

export function createSlackIntake(deps: SlackIntakeDeps): SlackIntake {
  const { config, store, logger } = deps;

  function ignore(reason: IgnoreReason, detail: object): SlackOutcome {
    logger.info({ reason, ...detail }, `slack input ignored: ${reason}`);
    return { kind: 'ignored', reason };
  }

  async function threadOf(channel: string, threadTs: string): Promise<ThreadId | undefined> {
    const key = messageKey(channel, threadTs);
    return (await store.findDelivery({ source: INBOUND_SOURCE, id: key })) ?? (await store.findDelivery({ source: OUTBOUND_SOURCE, id: key }));
  }

  type Target = { kind: 'pending'; threadId: ThreadId; callId: CallId; summary: string } | { kind: 'refused'; outcome: SlackOutcome };

  /** The approval a click names, if this user may decide it and it still waits. */
  async function pendingFor(user: string, thread: string, call: string): Promise<Target> {
    const threadId = parseThreadId(thread);
    const callId = asCallId(call);
    if (threadId === undefined || callId === undefined) return { kind: 'refused', outcome: ignore('unknown_action', { thread, call }) };
    const loaded = await store.load(threadId);
    // Checked here as well as in the core, so a click by someone who may not decide writes nothing at all.
    const sender = { channel: SLACK_CHANNEL, id: user };
    const approver = loaded !== undefined && deps.approves !== undefined ? deps.approves(sender, loaded) : config.approvers.includes(user);
    if (!approver) {
      logger.warn({ user, threadId }, 'slack approval click by someone who is not an approver');
      return { kind: 'refused', outcome: ignore('not_an_approver', { user, threadId }) };
    }
    const state = loaded === undefined ? undefined : foldState(loaded.events, deps.humanIntents(loaded.agent) ?? noHumanIntents);
    const pending = state?.pendingApproval;
    if (pending?.data.callId !== callId) return { kind: 'refused', outcome: ignore('stale_action', { threadId, callId }) };
    return { kind: 'pending', threadId, callId, summary: pending.data.summary };
  }

  async function decide(user: string, target: Extract<Target, { kind: 'pending' }>, approve: boolean, reason: string | undefined, message: { channel: string; ts: string } | undefined): Promise<SlackOutcome> {
    const { threadId, callId } = target;
    const input: HumanInput = { kind: 'decision', approve, callId, ...(reason !== undefined ? { reason } : {}) };
    const outcome = await deps.intake.receive({
      kind: 'input',
      threadId,
      from: { channel: SLACK_CHANNEL, id: user },
      input,
      // One decision per approval: a second click, or Slack retrying the first, is the same delivery.
      delivery: { source: ACTION_SOURCE, id: `${threadId}:${callId}` },
    });
    if (outcome.kind === 'duplicate') return { kind: 'duplicate' };
    logger.info({ threadId, user, approve }, 'slack approval decided');
    if (message !== undefined) deps.onDecided?.({ ...message, approve, user, summary: target.summary });
    return { kind: 'resumed', threadId };
  }

  return {
    async event(teamId, event) {
      if (teamId !== config.teamId) return ignore('other_workspace', { teamId });
      const { user, channel, ts } = event;
      // Only a person's new message counts: bot posts (ours too), edits, deletions and joins all carry a subtype or bot_id.
      if (event.bot_id !== undefined || event.subtype !== undefined || user === undefined || channel === undefined || ts === undefined) {
        return ignore('not_a_person', { type: event.type, subtype: event.subtype });
      }
      if (event.type !== 'message' && event.type !== 'app_mention') return ignore('not_for_us', { type: event.type });
      if (config.allowedUsers.length > 0 && !config.allowedUsers.includes(user)) return ignore('user_not_allowed', { user });
      const text = event.text ?? '';
      const delivery = { source: INBOUND_SOURCE, id: messageKey(channel, ts) };
      const inThread = event.thread_ts !== undefined && event.thread_ts !== ts ? event.thread_ts : undefined;
      const existing = inThread === undefined ? undefined : await threadOf(channel, inThread);
      if (existing !== undefined) {
        const outcome = await deps.intake.receive({
          kind: 'input',
          threadId: existing,
          from: { channel: SLACK_CHANNEL, id: user },
          input: { kind: 'message', text },
          // The Slack thread it was written in: where the answer to it goes.
          metadata: { messageId: delivery.id, thread: messageKey(channel, inThread ?? ts) },
          delivery,
        });
        if (outcome.kind === 'duplicate') return { kind: 'duplicate' };
        logger.info({ threadId: existing, user }, 'slack message resumed a thread');
        return { kind: 'resumed', threadId: existing };
      }
      const direct = event.type === 'message' && event.channel_type === 'im';
      if (!direct && event.type !== 'app_mention') return ignore('not_for_us', { type: event.type, channelType: event.channel_type });
      const outcome = await deps.intake.receive({
        kind: 'start',
        agent: deps.agent,
        from: { channel: SLACK_CHANNEL, id: user },
        opening: slackOpening({ user, text, ts, place: { team: teamId, channel, threadTs: inThread ?? ts } }),
        delivery,
      });
      if (outcome.kind !== 'started') return { kind: 'duplicate' };
      logger.info({ threadId: outcome.threadId, user }, 'slack message started a thread');
      return { kind: 'started', threadId: outcome.threadId };
    },

    async action(payload) {
      if (payload.team.id !== config.teamId) return ignore('other_workspace', { teamId: payload.team.id });
      const action = payload.actions[0];
      const value = approvalValueSchema.safeParse(parseJson(action?.value));
      const approve = action?.action_id === APPROVE_ACTION ? true : action?.action_id === DENY_ACTION ? false : undefined;
      if (!value.success || approve === undefined) return ignore('unknown_action', { actionId: action?.action_id });
      const target = await pendingFor(payload.user.id, value.data.thread, value.data.call);
      if (target.kind !== 'pending') return target.outcome;
      const message = payload.channel !== undefined && payload.message !== undefined ? { channel: payload.channel.id, ts: payload.message.ts } : undefined;
      if (!approve && payload.trigger_id !== undefined && deps.onDenyClicked !== undefined) {
        deps.onDenyClicked({ triggerId: payload.trigger_id, context: JSON.stringify({ ...value.data, ...message }), summary: target.summary });
        return { kind: 'reason_asked' };
      }
      return decide(payload.user.id, target, approve, approve ? undefined : 'denied in Slack', message);
    },

    async denyReason(payload) {
      if (payload.team.id !== config.teamId) return ignore('other_workspace', { teamId: payload.team.id });
      const context = denyContextSchema.safeParse(parseJson(payload.view.private_metadata));
      if (payload.view.callback_id !== DENY_REASON_VIEW || !context.success) return ignore('unknown_action', { view: payload.view.callback_id });
      const target = await pendingFor(payload.user.id, context.data.thread, context.data.call);
      if (target.kind !== 'pending') return target.outcome;
      const reason = payload.view.state.values[REASON_BLOCK]?.[REASON_INPUT]?.value?.trim();
      const message = context.data.channel !== undefined && context.data.ts !== undefined ? { channel: context.data.channel, ts: context.data.ts } : undefined;
      return decide(payload.user.id, target, false, reason !== undefined && reason !== '' ? reason : 'denied in Slack', message);
    },
  };
}
