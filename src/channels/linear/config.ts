// The Linear channel's settings, read from an env-like record with zod: the webhook secret turns it on, the app's
// OAuth token (or an API key) posts the session's activities, LINEAR_APPROVERS says who may decide approvals from inside Linear,
// and TRIAGE_TEAM_KEYS which teams' new issues the triage agent gets.
import { z } from 'zod';
import { commaList, requiredSetting } from '../shared/settings.js';
import { Secret } from '../shared/secret.js';

export interface LinearChannelConfig {
  webhookSecret: Secret;
  /** What activities are posted with: the app's OAuth token (actor=app) when given, else the API key. */
  credential: { kind: 'accessToken' | 'apiKey'; secret: Secret };
  /** Linear's GraphQL endpoint: tests point it at the Linear double. */
  apiUrl: string | undefined;
  /** Linear user ids and emails (lower-cased) who may approve; empty means nobody approves through Linear. */
  approvers: string[];
  /** Issue `create` webhooks of these team keys (upper-cased) start a thread of `triageAgent`; empty: none do. */
  triageTeamKeys: string[];
  triageAgent: string;
}


const schema = z.object({
  LINEAR_WEBHOOK_SECRET: requiredSetting('LINEAR_WEBHOOK_SECRET is required'),
  LINEAR_ACCESS_TOKEN: z.string().optional(),
  LINEAR_API_KEY: z.string().optional(),
  LINEAR_API_URL: z.url({ protocol: /^https?$/, error: 'LINEAR_API_URL must be an http(s) URL' }).optional(),
  LINEAR_APPROVERS: commaList,
  TRIAGE_TEAM_KEYS: commaList,
  TRIAGE_AGENT: z.string().trim().min(1).optional(),
});

export type LinearChannelConfigResult = { ok: true; config: LinearChannelConfig } | { ok: false; problem: string };

export function readLinearChannelConfig(env: Record<string, string | undefined>): LinearChannelConfigResult {
  const parsed = schema.safeParse({ ...env, LINEAR_API_URL: env.LINEAR_API_URL || undefined });
  if (!parsed.success) {
    return { ok: false, problem: `Linear channel settings: ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  }
  const e = parsed.data;
  const credential = e.LINEAR_ACCESS_TOKEN
    ? { kind: 'accessToken' as const, secret: new Secret(e.LINEAR_ACCESS_TOKEN) }
    : e.LINEAR_API_KEY
      ? { kind: 'apiKey' as const, secret: new Secret(e.LINEAR_API_KEY) }
      : undefined;
  if (credential === undefined) {
    return { ok: false, problem: 'Linear channel settings: LINEAR_ACCESS_TOKEN (the app token, actor=app) or LINEAR_API_KEY is required: agent activities are posted with it' };
  }
  return {
    ok: true,
    config: {
      webhookSecret: new Secret(e.LINEAR_WEBHOOK_SECRET),
      credential,
      apiUrl: e.LINEAR_API_URL,
      approvers: e.LINEAR_APPROVERS.map((a) => (a.includes('@') ? a.toLowerCase() : a)),
      triageTeamKeys: e.TRIAGE_TEAM_KEYS.map((k) => k.toUpperCase()),
      triageAgent: e.TRIAGE_AGENT ?? 'triage-assistant',
    },
  };
}
