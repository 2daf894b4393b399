// The Linear channel as a module, on when LINEAR_WEBHOOK_SECRET is set: agent session webhooks in, and the
// session's activities out (a thought at once, an action per tool step, then the question, answer or error).
// Invalid settings stop the start with the exact problem.
import type { MayApprove } from '../../core/human-input.js';
import { createAgentActivities } from '../../linear/agent-activities.js';
import type { ChannelModule, OpenedChannel } from '../../runtime/channel-module.js';
import { readLinearChannelConfig, type LinearChannelConfig } from './config.js';
import { createLinearIntake } from './inbound/intake.js';
import type { LinearUser } from './inbound/payloads.js';
import { createLinearWebhooks } from './inbound/webhooks.js';
import { describeSessionStarted, LINEAR_CHANNEL, renderSessionStarted } from './linear-session.js';
import { createSessionActivities } from './outbound/session-activities.js';

/**
 * Who decides approvals through Linear: the user ids in LINEAR_APPROVERS, and the users whose email (as a signed
 * payload named it) is listed there. With none configured, nobody approves through Linear.
 */
export function linearApprovers(config: Pick<LinearChannelConfig, 'approvers'>): { mayApprove: MayApprove; knowSender: (user: LinearUser) => void } {
  const byEmail = new Set<string>();
  return {
    mayApprove: (sender) => sender.id !== undefined && (config.approvers.includes(sender.id) || byEmail.has(sender.id)),
    knowSender: (user) => {
      if (user.email !== undefined && config.approvers.includes(user.email.toLowerCase())) byEmail.add(user.id);
    },
  };
}

export const linearChannel: ChannelModule = {
  name: LINEAR_CHANNEL,
  events: { render: renderSessionStarted, describe: describeSessionStarted },
  open(deps): OpenedChannel | undefined {
    if (!deps.env.LINEAR_WEBHOOK_SECRET) return undefined;
    const result = readLinearChannelConfig(deps.env);
    if (!result.ok) throw new Error(result.problem);
    const config = result.config;
    const logger = deps.logger.child({ channel: LINEAR_CHANNEL });
    const activities = createSessionActivities({
      store: deps.store,
      activities: createAgentActivities({ credential: { kind: config.credential.kind, value: config.credential.secret.reveal() }, ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}), clock: deps.clock }),
      ids: deps.ids,
      clock: deps.clock,
      logger,
      humanIntents: deps.humanIntents,
      ...(deps.routing ? { routing: deps.routing } : {}),
    });
    const approvers = linearApprovers(config);
    const intake = createLinearIntake({
      intake: deps.intake,
      store: deps.store,
      agent: deps.agent,
      knowSender: approvers.knowSender,
      logger,
      onStarted: ({ threadId, sessionId }) => activities.started(threadId, sessionId),
      ...(config.triageTeamKeys.length > 0 ? { triage: { teamKeys: config.triageTeamKeys, agent: config.triageAgent } } : {}),
    });
    return {
      mounts: { '/webhooks/linear': createLinearWebhooks({ intake, config, clock: deps.clock, logger }) },
      approvers: { [LINEAR_CHANNEL]: approvers.mayApprove },
      notifier: activities.notifier,
      observer: activities.observer,
      sources: [activities],
    };
  },
};
