// X-Twilio-Signature as twilio's own validateRequest computes it: base64 HMAC-SHA1, keyed by the auth token, of the
// URL Twilio called followed by every form parameter as name+value, sorted by name.
import { createHmac } from 'node:crypto';
import type { Secret } from '../../shared/secret.js';
import { safeEqual } from '../../shared/signing.js';

export type FormParams = Record<string, string | readonly string[]>;

export function twilioSignature(authToken: Secret, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name] ?? '';
    // Repeated parameters are signed once per distinct value, in sorted order.
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken.reveal()).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * Twilio signs the URL as it was configured, which may or may not spell out the default port: both spellings are
 * tried, as the SDK does, so either way of writing PUBLIC_URL verifies.
 */
export function validTwilioSignature(authToken: Secret, signature: string, url: string, params: FormParams): boolean {
  return urlVariants(url).some((candidate) => safeEqual(signature, twilioSignature(authToken, candidate, params)));
}

function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : undefined;
  if (defaultPort === undefined) return [url];
  const rest = url.slice(url.indexOf('//') + 2);
  const hostEnd = rest.search(/[/?#]/);
  const authority = hostEnd === -1 ? rest : rest.slice(0, hostEnd);
  const tail = hostEnd === -1 ? '' : rest.slice(hostEnd);
  const host = authority.replace(/:\d+$/, '');
  const withPort = parsed.port === '' ? `${parsed.protocol}//${host}:${defaultPort}${tail}` : url;
  const withoutPort = parsed.port === '' || authority.endsWith(`:${defaultPort}`) ? `${parsed.protocol}//${host}${tail}` : url;
  return [...new Set([url, withPort, withoutPort])];
}
