// Every channel this process can serve, one line each; each turns itself on from its own settings.
import { emailChannel } from '../channels/email/module.js';
import { linearChannel } from '../channels/linear/module.js';
import { smsChannel } from '../channels/sms/module.js';
import { slackChannel } from '../channels/slack/module.js';
import type { ChannelModule } from '../runtime/channel-module.js';
import { scheduleChannel } from '../channels/schedule/module.js';

export const channels: readonly ChannelModule[] = [
  emailChannel,
  smsChannel,
  slackChannel,
  linearChannel,
  scheduleChannel,
];
