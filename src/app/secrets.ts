// The secrets this process was configured with, collected once from its settings so they can be redacted from
// everything stored, returned or logged.

/** Settings that are secrets whole. Any other name ending in _API_KEY, _TOKEN, _SECRET or _PASSWORD is one too. */
const secretSettings = [
  'LLM_API_KEY',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'LINEAR_API_KEY',
  'API_TOKEN',
  'EMAIL_TOKEN_SECRET',
  'EMAIL_WEBHOOK_SECRET',
  'POSTMARK_WEBHOOK_TOKEN',
  'POSTMARK_BASIC_AUTH',
  'DKIM_PRIVATE_KEY',
];
const secretName = /(?:^|_)(?:API_KEY|TOKEN|SECRET|PASSWORD)$/;

function urlPassword(value: string): string[] {
  try {
    const { password } = new URL(value);
    if (!password) return [];
    try {
      return [password, decodeURIComponent(password)];
    } catch {
      return [password];
    }
  } catch {
    return [];
  }
}

/** Values to redact: whole secrets, the password of every URL setting (SMTP_URL, IMAP_URL, DATABASE_URL …). */
export function configuredSecrets(env: Record<string, string | undefined>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (secretSettings.includes(name) || secretName.test(name)) found.push(value);
    if (name.endsWith('_URL')) found.push(...urlPassword(value));
  }
  const basic = env.POSTMARK_BASIC_AUTH;
  if (basic?.includes(':')) {
    // The password alone, and the header value Postmark sends.
    found.push(basic.slice(basic.indexOf(':') + 1), Buffer.from(basic).toString('base64'));
  }
  const dkim = env.DKIM_PRIVATE_KEY;
  // The key may be given with literal \n; an error would quote it with real line breaks, or a line of it.
  if (dkim) found.push(dkim.replace(/\\n/g, '\n'), ...dkim.split(/\\n|\n/).filter((line) => line.length >= 16 && !line.startsWith('-----')));
  return found;
}
