// Removes configured secrets from text that is stored, returned or logged: some providers echo the API key in
// an error body, and a reason quoted from it must not carry the key any further.

export type Redact = (text: string) => string;

export const REDACTED = '[redacted]';

/** Shorter values are too likely to be ordinary words or numbers; replacing them would mangle text. */
export const MIN_SECRET_LENGTH = 6;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The forms a secret takes in the text it leaks into: as is, URL-encoded, and escaped inside a JSON string. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

export function createRedactor(secrets: Iterable<string>): Redact {
  const needles = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(forms))]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    // Longest first, so a secret containing another is removed whole.
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  const pattern = new RegExp(needles.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** Every string of a JSON-like value redacted (keys too); unchanged parts are returned as the same objects. */
export function redactStrings<T>(value: T, redact: Redact): T {
  // Strings are replaced by strings, so the value keeps the shape of T.
  return scrub(value, redact) as T;
}

function scrub(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) {
    const out = value.map((v: unknown) => scrub(v, redact));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (value !== null && typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const entries = Object.entries(value);
    const out = entries.map(([k, v]) => [redact(k), scrub(v, redact)] as const);
    return out.some(([k, v], i) => k !== entries[i]?.[0] || v !== entries[i]?.[1]) ? Object.fromEntries(out) : value;
  }
  return value;
}
