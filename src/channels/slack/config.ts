// The Slack channel's settings, read from an env-like record with zod; the signing secret and bot token are wrapped.
import { z } from 'zod';
import { commaList, requiredSetting } from '../shared/settings.js';
import { Secret } from '../shared/secret.js';

export interface SlackConfig {
  signingSecret: Secret;
  botToken: Secret;
  /** The Web API base, without a trailing slash: tests point it at a local double. */
  apiUrl: string;
  /** The one workspace whose events are accepted. */
  teamId: string;
  /** User ids allowed to talk to the assistant; empty means everyone in the workspace. */
  allowedUsers: string[];
  /** User ids who may decide approvals; empty means nobody can approve through Slack (unless PEOPLE maps them). */
  approvers: string[];
  /** The channel id approval requests are posted in when APPROVALS_CHANNEL=slack. */
  approvalsChannel?: string;
}


const schema = z.object({
  SLACK_SIGNING_SECRET: requiredSetting('SLACK_SIGNING_SECRET is required'),
  SLACK_BOT_TOKEN: requiredSetting('SLACK_BOT_TOKEN is required: answers are posted with it'),
  SLACK_API_URL: z.string().url('SLACK_API_URL must be a URL').optional(),
  SLACK_TEAM_ID: requiredSetting('SLACK_TEAM_ID is required: the workspace whose events are accepted'),
  SLACK_ALLOWED_USERS: commaList,
  SLACK_APPROVERS: commaList,
  SLACK_APPROVALS_CHANNEL: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[CGD][A-Z0-9]+$/, 'SLACK_APPROVALS_CHANNEL must be a Slack channel id (C…)').optional()),
  APPROVALS_CHANNEL: z.string().optional(),
}).refine((e) => e.APPROVALS_CHANNEL?.trim() !== 'slack' || e.SLACK_APPROVALS_CHANNEL !== undefined, {
  message: 'SLACK_APPROVALS_CHANNEL is required with APPROVALS_CHANNEL=slack: the channel approval requests are posted in',
});

export type SlackConfigResult = { ok: true; config: SlackConfig } | { ok: false; problem: string };

export function readSlackConfig(env: Record<string, string | undefined>): SlackConfigResult {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, problem: `Slack settings: ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      signingSecret: new Secret(e.SLACK_SIGNING_SECRET),
      botToken: new Secret(e.SLACK_BOT_TOKEN),
      apiUrl: (e.SLACK_API_URL ?? 'https://slack.com/api').replace(/\/+$/, ''),
      teamId: e.SLACK_TEAM_ID,
      allowedUsers: e.SLACK_ALLOWED_USERS,
      approvers: e.SLACK_APPROVERS,
      ...(e.SLACK_APPROVALS_CHANNEL !== undefined ? { approvalsChannel: e.SLACK_APPROVALS_CHANNEL } : {}),
    },
  };
}
