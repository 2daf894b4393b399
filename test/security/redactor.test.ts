// #9.2: the redactor removes every configured secret in the forms it leaks in, and leaves ordinary text alone.
import { describe, expect, it } from 'vitest';
import { configuredSecrets } from '../../src/app/secrets.js';
import { createRedactor, redactStrings } from '../../src/core/redactor.js';

describe('#9.2: redacting configured secrets', () => {
  it('#9.2: removes a secret as is, URL-encoded and JSON-escaped; ignores values too short to be secrets', () => {
    const redact = createRedactor(['s3cr3t/key+with=chars', 'abc', 'Quote"d\\secret']);
    expect(redact('key s3cr3t/key+with=chars and s3cr3t%2Fkey%2Bwith%3Dchars')).toBe('key [redacted] and [redacted]');
    expect(redact(JSON.stringify({ body: 'x Quote"d\\secret y' }))).toBe('{"body":"x [redacted] y"}');
    expect(redact('abc stays: a short value is ordinary text')).toBe('abc stays: a short value is ordinary text');
    expect(createRedactor([])('nothing configured')).toBe('nothing configured');
  });

  it('#9.2: a secret that contains another is removed whole', () => {
    expect(createRedactor(['token-123456', 'token-123456-extended'])('x token-123456-extended y')).toBe('x [redacted] y');
  });

  it('#9.2: redacts every string and key of a JSON value, sharing what did not change', () => {
    const redact = createRedactor(['sk-live-0123456789']);
    const untouched = { teams: [{ id: 't1', name: 'Ops' }] };
    const value = { reason: 'HTTP 401: sk-live-0123456789', nested: [{ 'sk-live-0123456789': 1 }, 'ok'], untouched, n: 3, b: true, z: null };
    const out = redactStrings(value, redact);
    expect(out).toEqual({ reason: 'HTTP 401: [redacted]', nested: [{ '[redacted]': 1 }, 'ok'], untouched, n: 3, b: true, z: null });
    expect(out.untouched).toBe(untouched);
    expect(redactStrings(untouched, redact)).toBe(untouched);
  });

  it('#9.2: collects API keys, tokens, email secrets and the passwords inside URL settings', () => {
    const secrets = configuredSecrets({
      LLM_API_KEY: 'sk-llm-0123456789',
      ANTHROPIC_API_KEY: 'sk-ant-0123456789',
      LINEAR_API_KEY: 'lin_api_0123456789',
      API_TOKEN: 'api-token-0123456789',
      EMAIL_TOKEN_SECRET: 'e'.repeat(32),
      EMAIL_WEBHOOK_SECRET: 'w'.repeat(32),
      POSTMARK_WEBHOOK_TOKEN: 'postmark-token-0123',
      POSTMARK_BASIC_AUTH: 'postmark:basic-pass-01',
      SMTP_URL: 'smtps://bot:smtp%40pass@mail.example:465',
      IMAP_URL: 'imaps://bot:imap-pass-01@mail.example/INBOX',
      DATABASE_URL: 'postgres://hardway:db-pass-0123@db.example/hardway',
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM_MODEL: 'qwen2.5:14b',
      PORT: '3000',
    });
    for (const s of ['sk-llm-0123456789', 'sk-ant-0123456789', 'lin_api_0123456789', 'api-token-0123456789', 'e'.repeat(32), 'w'.repeat(32), 'postmark-token-0123', 'postmark:basic-pass-01', 'basic-pass-01', 'smtp@pass', 'imap-pass-01', 'db-pass-0123']) {
      expect(secrets).toContain(s);
    }
    expect(secrets).not.toContain('qwen2.5:14b');
    expect(secrets).not.toContain('3000');
  });
});
