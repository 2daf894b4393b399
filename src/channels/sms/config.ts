// The SMS channel's settings (Twilio), read from an env-like record with zod; the auth token is wrapped so it cannot be logged.
import { z } from 'zod';
import { Secret } from '../shared/secret.js';

export interface SmsConfig {
  accountSid: string;
  authToken: Secret;
  /** Our Twilio number (E.164): what answers are sent from. */
  fromNumber: string;
  /** Who may write to the assistant (E.164); a phone number is a weak identity, so nobody else is heard. */
  allowedNumbers: string[];
  /** What Twilio signs: PUBLIC_URL plus the webhook's path. */
  publicUrl: string;
  /** Twilio's REST API base; a local double in tests. */
  apiUrl: string;
}

const e164 = z.string().trim().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567');

const schema = z.object({
  TWILIO_ACCOUNT_SID: z.string().trim().regex(/^AC[0-9a-zA-Z]{32}$/, 'TWILIO_ACCOUNT_SID must be AC followed by 32 characters'),
  TWILIO_AUTH_TOKEN: z.string().min(1, 'TWILIO_AUTH_TOKEN is required'),
  TWILIO_FROM_NUMBER: e164,
  SMS_ALLOWED_NUMBERS: z
    .string()
    .transform((s) => s.split(',').map((n) => n.trim()).filter((n) => n !== ''))
    .pipe(z.array(e164).min(1, 'SMS_ALLOWED_NUMBERS must list at least one number')),
  PUBLIC_URL: z.string().url().transform((u) => u.replace(/\/+$/, '')),
  TWILIO_API_URL: z.string().url().default('https://api.twilio.com').transform((u) => u.replace(/\/+$/, '')),
});

export type SmsConfigResult = { ok: true; config: SmsConfig } | { ok: false; problem: string };

export function readSmsConfig(env: Record<string, string | undefined>): SmsConfigResult {
  const parsed = schema.safeParse({ ...env, SMS_ALLOWED_NUMBERS: env.SMS_ALLOWED_NUMBERS ?? '' });
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    return { ok: false, problem: `SMS settings: ${problem}` };
  }
  const d = parsed.data;
  return {
    ok: true,
    config: {
      accountSid: d.TWILIO_ACCOUNT_SID,
      authToken: new Secret(d.TWILIO_AUTH_TOKEN),
      fromNumber: d.TWILIO_FROM_NUMBER,
      allowedNumbers: d.SMS_ALLOWED_NUMBERS,
      publicUrl: d.PUBLIC_URL,
      apiUrl: d.TWILIO_API_URL,
    },
  };
}
