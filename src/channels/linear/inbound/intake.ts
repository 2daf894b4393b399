// Turns a verified AgentSessionEvent into at most one intake call. `created` starts the session's thread (the
// session id is its delivery, so a replayed `created` starts nothing); `prompted` resumes it with the person's words,
// as a decision when an approver answers a pending approval with approve/deny words; the `stop` signal stops it.
// An `Issue` `create` of a triaged team starts a thread of the triage agent (./issue-created.ts).
import type { HumanInput, InputMeaning } from '../../../core/human-input.js';
import type { ThreadId } from '../../../core/ids.js';
import type { ThreadIntake } from '../../../runtime/intake.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Logger } from '../../../support/logger.js';
import { DELIVERY_SOURCE, LINEAR_CHANNEL, SESSION_SOURCE, sessionOpening } from '../linear-session.js';
import { ISSUE_CREATED_SOURCE, issueCreatedOpening, issueTeamKey, type IssueWebhook } from './issue-created.js';
import type { AgentSessionEvent, LinearUser } from './payloads.js';

export type LinearOutcome =
  | { kind: 'started'; threadId: ThreadId; sessionId: string }
  | { kind: 'triage_started'; threadId: ThreadId; issue: string }
  | { kind: 'resumed'; threadId: ThreadId; meaning: InputMeaning }
  | { kind: 'duplicate' }
  | { kind: 'ignored'; reason: 'not_an_agent_session_event' | 'unknown_action' | 'unknown_session' | 'nothing_said' | 'team_not_triaged' };

export interface LinearIntakeDeps {
  intake: ThreadIntake;
  store: ThreadStore;
  agent: string;
  /** Told who sent a prompt, as the signed payload names them: approvers may be listed by email. */
  knowSender: (user: LinearUser) => void;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Told of each session that started a thread, after it was written: to post the first `thought`. */
  onStarted?: (started: { threadId: ThreadId; sessionId: string }) => void;
  /** Which new issues start a thread, and of which agent. */
  triage?: { teamKeys: readonly string[]; agent: string };
}

export interface LinearIntake {
  event(event: AgentSessionEvent, deliveryId: string | undefined): Promise<LinearOutcome>;
  issue(event: IssueWebhook): Promise<LinearOutcome>;
}

const APPROVE = /^\s*(approve|approved|lgtm)\b[\s.!:,-]*(.*)$/is;
const DENY = /^\s*(deny|denied|reject)\b[\s.!:,-]*(.*)$/is;

/** Approve/deny words: a decision when an approver sends them on a pending approval; the core keeps anyone else's as words. */
function decisionIn(text: string): { approve: boolean; reason?: string } | undefined {
  const approve = APPROVE.exec(text);
  if (approve) return { approve: true, ...(approve[2]?.trim() ? { reason: approve[2].trim() } : {}) };
  const deny = DENY.exec(text);
  if (deny) return { approve: false, ...(deny[2]?.trim() ? { reason: deny[2].trim() } : {}) };
  return undefined;
}

export function createLinearIntake(deps: LinearIntakeDeps): LinearIntake {
  const { store, logger } = deps;

  async function started(event: AgentSessionEvent): Promise<LinearOutcome> {
    const sessionId = event.agentSession.id;
    const creator = event.agentSession.creator;
    const outcome = await deps.intake.receive({
      kind: 'start',
      agent: deps.agent,
      from: { channel: LINEAR_CHANNEL, ...(creator ? { id: creator.id } : {}) },
      opening: sessionOpening(event),
      delivery: { source: SESSION_SOURCE, id: sessionId },
    });
    if (outcome.kind !== 'started') return { kind: 'duplicate' };
    logger.info({ threadId: outcome.threadId, sessionId }, 'linear agent session started a thread');
    deps.onStarted?.({ threadId: outcome.threadId, sessionId });
    return { kind: 'started', threadId: outcome.threadId, sessionId };
  }

  async function prompted(event: AgentSessionEvent, deliveryId: string | undefined): Promise<LinearOutcome> {
    const activity = event.agentActivity;
    const sessionId = event.agentSession.id;
    const threadId = await store.findDelivery({ source: SESSION_SOURCE, id: sessionId });
    if (threadId === undefined) {
      logger.warn({ sessionId }, 'linear prompt for a session we have no thread for');
      return { kind: 'ignored', reason: 'unknown_session' };
    }
    const user = activity?.user ?? (activity?.userId ? { id: activity.userId } : undefined);
    const text = activity?.content.body?.trim() ?? '';
    const stop = activity?.signal === 'stop';
    if (!stop && text === '') return { kind: 'ignored', reason: 'nothing_said' };
    const decision = stop ? undefined : decisionIn(text);
    // Learns the sender's approver standing from the signed payload before the core asks who may approve.
    if (user !== undefined) deps.knowSender(user);
    const input: HumanInput = stop ? { kind: 'stop' } : decision !== undefined ? { kind: 'decision', ...decision, text } : { kind: 'message', text };
    const outcome = await deps.intake.receive({
      kind: 'input',
      threadId,
      from: { channel: LINEAR_CHANNEL, ...(user ? { id: user.id } : {}) },
      input,
      ...(activity ? { metadata: { messageId: activity.id } } : {}),
      delivery: { source: DELIVERY_SOURCE, id: deliveryId ?? activity?.id ?? `${sessionId}:${event.webhookTimestamp}` },
    });
    if (outcome.kind !== 'recorded') return { kind: 'duplicate' };
    logger.info({ threadId, sessionId, meaning: outcome.meaning }, 'linear prompt resumed a thread');
    return { kind: 'resumed', threadId, meaning: outcome.meaning };
  }

  async function issue(event: IssueWebhook): Promise<LinearOutcome> {
    if (event.action !== 'create') return { kind: 'ignored', reason: 'unknown_action' };
    const team = issueTeamKey(event);
    const triage = deps.triage;
    if (triage === undefined || team === undefined || !triage.teamKeys.includes(team)) return { kind: 'ignored', reason: 'team_not_triaged' };
    const outcome = await deps.intake.receive({
      kind: 'start',
      agent: triage.agent,
      from: { channel: LINEAR_CHANNEL, ...(event.actor ? { id: event.actor.id } : {}) },
      opening: issueCreatedOpening(event),
      // The issue, not the delivery: a redelivery under a new Linear-Delivery id still starts nothing.
      delivery: { source: ISSUE_CREATED_SOURCE, id: event.data.id },
    });
    if (outcome.kind !== 'started') return { kind: 'duplicate' };
    logger.info({ threadId: outcome.threadId, issue: event.data.identifier }, 'linear issue created a triage thread');
    return { kind: 'triage_started', threadId: outcome.threadId, issue: event.data.identifier };
  }

  return {
    issue,
    async event(event, deliveryId) {
      switch (event.action) {
        case 'created':
          return started(event);
        case 'prompted':
          return prompted(event, deliveryId);
        default:
          logger.info({ action: event.action }, 'linear agent session event ignored');
          return { kind: 'ignored', reason: 'unknown_action' };
      }
    },
  };
}
