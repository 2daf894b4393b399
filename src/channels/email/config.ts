// The email channel's settings, read from an env-like record with zod; every secret is wrapped so it cannot be logged.
import { z } from 'zod';
import { Secret } from '../shared/secret.js';

export interface ImapSettings {
  host: string;
  port: number;
  /** TLS from the first byte (imaps://); imap:// upgrades with STARTTLS when offered. */
  secure: boolean;
  user: string;
  password: Secret;
  mailbox: string;
  /** Where processed mail is moved after it is marked \Seen; left in place when unset. */
  moveTo?: string;
  /** How often the mailbox is checked even when IDLE reports nothing (and the only check without IDLE). */
  pollMs: number;
}

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: Secret;
}

export interface EmailConfig {
  /** The assistant's own address, lower case; replies come to its plus-addresses. */
  address: string;
  fromName: string;
  /** Addresses and `@domain` entries, lower case. */
  allowedSenders: string[];
  /** Who may approve by email or link; empty means the thread's original sender. */
  approvers: string[];
  /** The authserv-id of our own receiving MTA, whose Authentication-Results header we trust. */
  trustedAuthservId?: string;
  tokenSecret: Secret;
  webhookSecret?: Secret;
  postmarkToken?: Secret;
  /** `user:password` for Postmark's basic auth. */
  postmarkBasicAuth?: Secret;
  imap?: ImapSettings;
  /** Contains the SMTP password. */
  smtpUrl?: Secret;
  maxBytes: number;
  /** Base URL of this server, for approval links. */
  publicUrl: string;
  dkim?: DkimSettings;
  approvalLinkTtlMs: number;
}

const emailEntry = z
  .string()
  .regex(/^(?:[^\s@]+@|@)[a-z0-9.-]+\.[a-z]{2,}$/, 'expected an address or an @domain entry');

const list = (item: z.ZodType<string, string>) =>
  z
    .string()
    .optional()
    .transform((s) =>
      (s ?? '')
        .split(/[\s,;]+/)
        .map((x) => x.trim().toLowerCase())
        .filter((x) => x.length > 0),
    )
    .pipe(z.array(item));

const secret = z.string().min(32, 'must be at least 32 characters').transform((s) => new Secret(s));

const envSchema = z.object({
  EMAIL_ADDRESS: z.email().transform((s) => s.toLowerCase()),
  EMAIL_FROM_NAME: z.string().min(1).default('Hardway Assistant'),
  ALLOWED_SENDERS: list(emailEntry).pipe(z.array(z.string()).min(1, 'list at least one address or @domain')),
  APPROVERS: list(z.email()),
  TRUSTED_AUTHSERV_ID: z.string().min(1).optional(),
  EMAIL_TOKEN_SECRET: secret,
  EMAIL_WEBHOOK_SECRET: secret.optional(),
  POSTMARK_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').transform((s) => new Secret(s)).optional(),
  POSTMARK_BASIC_AUTH: z
    .string()
    .regex(/^[^:]+:.{8,}$/, 'expected user:password with a password of at least 8 characters')
    .transform((s) => new Secret(s))
    .optional(),
  IMAP_URL: z.url({ protocol: /^imaps?$/ }).optional(),
  IMAP_MOVE_TO: z.string().min(1).optional(),
  IMAP_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).transform((s) => new Secret(s)).optional(),
  EMAIL_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).transform((s) => s.replace(/\/+$/, '')),
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  // Env files often carry a PEM on one line with literal "\n".
  DKIM_PRIVATE_KEY: z.string().min(1).transform((s) => new Secret(s.replaceAll('\\n', '\n'))).optional(),
  APPROVAL_LINK_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(72),
});

export type EmailConfigResult = { ok: true; config: EmailConfig } | { ok: false; problem: string };

type Env = Record<string, string | undefined>;

export function readEmailConfig(env: Env): EmailConfigResult {
  const parsed = envSchema.safeParse(env);
  // prettifyError names the field and the rule, never the value, so secrets stay out of the message.
  if (!parsed.success) return { ok: false, problem: `invalid email settings:\n${z.prettifyError(parsed.error)}` };
  const e = parsed.data;
  const dkimParts = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY].filter((x) => x !== undefined).length;
  if (dkimParts !== 0 && dkimParts !== 3) {
    return { ok: false, problem: 'invalid email settings: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together' };
  }
  let imap: ImapSettings | undefined;
  if (e.IMAP_URL !== undefined) {
    const url = new URL(e.IMAP_URL);
    if (url.username === '' || url.password === '') {
      return { ok: false, problem: 'invalid email settings: IMAP_URL needs user and password (imaps://user:pass@host/INBOX)' };
    }
    const secure = url.protocol === 'imaps:';
    imap = {
      host: url.hostname,
      port: url.port === '' ? (secure ? 993 : 143) : Number(url.port),
      secure,
      user: decodeURIComponent(url.username),
      password: new Secret(decodeURIComponent(url.password)),
      mailbox: decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX',
      ...(e.IMAP_MOVE_TO !== undefined ? { moveTo: e.IMAP_MOVE_TO } : {}),
      pollMs: e.IMAP_POLL_SECONDS * 1000,
    };
  }
  return {
    ok: true,
    config: {
      address: e.EMAIL_ADDRESS,
      fromName: e.EMAIL_FROM_NAME,
      allowedSenders: e.ALLOWED_SENDERS,
      approvers: e.APPROVERS,
      ...(e.TRUSTED_AUTHSERV_ID !== undefined ? { trustedAuthservId: e.TRUSTED_AUTHSERV_ID.toLowerCase() } : {}),
      tokenSecret: e.EMAIL_TOKEN_SECRET,
      ...(e.EMAIL_WEBHOOK_SECRET !== undefined ? { webhookSecret: e.EMAIL_WEBHOOK_SECRET } : {}),
      ...(e.POSTMARK_WEBHOOK_TOKEN !== undefined ? { postmarkToken: e.POSTMARK_WEBHOOK_TOKEN } : {}),
      ...(e.POSTMARK_BASIC_AUTH !== undefined ? { postmarkBasicAuth: e.POSTMARK_BASIC_AUTH } : {}),
      ...(imap !== undefined ? { imap } : {}),
      ...(e.SMTP_URL !== undefined ? { smtpUrl: e.SMTP_URL } : {}),
      maxBytes: e.EMAIL_MAX_BYTES,
      publicUrl: e.PUBLIC_URL,
      ...(e.DKIM_DOMAIN !== undefined && e.DKIM_SELECTOR !== undefined && e.DKIM_PRIVATE_KEY !== undefined
        ? { dkim: { domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY } }
        : {}),
      approvalLinkTtlMs: e.APPROVAL_LINK_TTL_HOURS * 3600 * 1000,
    },
  };
}
