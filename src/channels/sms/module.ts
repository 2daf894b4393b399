// The SMS channel (Twilio) as a module, on when TWILIO_ACCOUNT_SID is set: the signed webhook that takes messages
// from allowed numbers, and the notifier that answers through Twilio's REST API. Invalid settings stop the start.
import type { ChannelModule, OpenedChannel } from '../../runtime/channel-module.js';
import { readSmsConfig } from './config.js';
import { createSmsIntake, smsApprovers } from './inbound/intake.js';
import { createSmsWebhook, WEBHOOK_MOUNT } from './inbound/webhook.js';
import { createSmsNotifier } from './outbound/notifier.js';
import { createTwilioSender } from './outbound/twilio-client.js';
import { SMS_CHANNEL } from './sms-thread.js';

export const smsChannel: ChannelModule = {
  name: SMS_CHANNEL,
  open(deps): OpenedChannel | undefined {
    if (!deps.env.TWILIO_ACCOUNT_SID) return undefined;
    const result = readSmsConfig({ PUBLIC_URL: `http://127.0.0.1:${deps.port}`, ...deps.env });
    if (!result.ok) throw new Error(result.problem);
    const config = result.config;
    if (deps.routing?.approvalsChannel === SMS_CHANNEL) throw new Error('APPROVALS_CHANNEL=sms is not supported: SMS has no approvals place; approvals by SMS go to the person who last wrote by SMS');
    const logger = deps.logger.child({ channel: SMS_CHANNEL });
    // The auth token already is the secret both ends hold; the purpose label keeps codes apart from signatures.
    const codeSecret = config.authToken;
    const intake = createSmsIntake({ intake: deps.intake, store: deps.store, allowedNumbers: config.allowedNumbers, codeSecret, agent: deps.agent, humanIntents: deps.humanIntents, logger, ...(deps.people ? { people: deps.people } : {}), ...(deps.routing ? { routing: deps.routing } : {}) });
    const notifier = createSmsNotifier({ store: deps.store, sender: createTwilioSender(config), codeSecret, ids: deps.ids, clock: deps.clock, logger, humanIntents: deps.humanIntents, ...(deps.routing ? { routing: deps.routing } : {}) });
    return {
      mounts: { [WEBHOOK_MOUNT]: createSmsWebhook({ intake, config, logger }) },
      approvers: { [SMS_CHANNEL]: smsApprovers },
      notifier,
      sources: [],
    };
  },
};
