// The Slack channel as a module, on when SLACK_SIGNING_SECRET is set: the Events API and interactivity webhooks, and
// the notifier that answers in the Slack thread, and the clicked approval updated with the decision after the ack. Invalid Slack settings stop the start with the exact problem.
import type { MayApprove } from '../../core/human-input.js';
import type { ChannelModule, OpenedChannel } from '../../runtime/channel-module.js';
import { readSlackConfig, type SlackConfig } from './config.js';
import { createSlackIntake } from './inbound/intake.js';
import { createSlackWebhooks } from './inbound/webhooks.js';
import { createAfterAck } from './outbound/after-ack.js';
import { decidedApproval, denyReasonModal } from './outbound/blocks.js';
import { createSlackNotifier } from './outbound/notifier.js';
import { createSlackWebApi } from './outbound/web-api.js';
import { SLACK_CHANNEL } from './slack-message.js';

/** The Slack user ids in SLACK_APPROVERS decide (and, through PEOPLE, whoever another channel's rule names). */
export function slackApprovers(config: Pick<SlackConfig, 'approvers'>): MayApprove {
  return (sender) => sender.id !== undefined && config.approvers.includes(sender.id);
}

export const slackChannel: ChannelModule = {
  name: SLACK_CHANNEL,
  open(deps): OpenedChannel | undefined {
    if (!deps.env.SLACK_SIGNING_SECRET) return undefined;
    const result = readSlackConfig(deps.env);
    if (!result.ok) throw new Error(result.problem);
    const config = result.config;
    const logger = deps.logger.child({ channel: SLACK_CHANNEL });
    const api = createSlackWebApi({ apiUrl: config.apiUrl, botToken: config.botToken });
    const afterAck = createAfterAck(logger);
    const intake = createSlackIntake({
      intake: deps.intake,
      store: deps.store,
      config,
      agent: deps.agent,
      humanIntents: deps.humanIntents,
      logger,
      ...(deps.approves ? { approves: deps.approves } : {}),
      onDecided: (d) => afterAck.run('chat.update', () => api.updateMessage({ channel: d.channel, ts: d.ts, ...decidedApproval(d.summary, d.approve, d.user) })),
      onDenyClicked: (d) => afterAck.run('views.open', () => api.openView(d.triggerId, denyReasonModal(d.context, d.summary))),
    });
    return {
      mounts: { '/webhooks/slack': createSlackWebhooks({ intake, config, clock: deps.clock, logger }) },
      approvers: { [SLACK_CHANNEL]: slackApprovers(config) },
      notifier: createSlackNotifier({
        store: deps.store,
        api,
        ids: deps.ids,
        clock: deps.clock,
        logger,
        humanIntents: deps.humanIntents,
        ...(deps.routing ? { routing: deps.routing } : {}),
        ...(config.approvalsChannel !== undefined ? { approvalsChannel: config.approvalsChannel } : {}),
      }),
      sources: [afterAck],
    };
  },
};
