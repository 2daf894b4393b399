// Is this mail really from a sender we serve? The From must be allowed AND DMARC must pass for its domain.
//
// DMARC is taken from our own receiving MTA's Authentication-Results header when one is configured and present
// (it saw the connecting IP, which we do not), otherwise computed here with mailauth (DKIM + SPF + alignment).
import { authenticate, type DNSResolver } from 'mailauth';
import { domainOf, isAllowedSender } from '../addresses.js';
import { parseAuthenticationResults } from './authentication-results.js';
import { headerValues, type RawHeader } from './header-block.js';

export type SenderVerdict =
  | { ok: true; via: 'authentication_results' | 'mailauth' }
  | { ok: false; reason: 'sender_not_allowed' | 'dmarc_failed'; detail: string };

export interface SenderAuthOptions {
  allowedSenders: readonly string[];
  trustedAuthservId?: string;
  /** DNS lookups for mailauth; tests pass a fake, production leaves the system resolver. */
  resolver?: DNSResolver;
  /** The host name mailauth writes as its authserv-id. */
  mta?: string;
}

export interface SenderEvidence {
  raw: Buffer;
  headers: readonly RawHeader[];
  fromAddress: string;
  /** What the SMTP session said, when the source knows it; otherwise the topmost Received header is used. */
  envelope?: { ip?: string; helo?: string; mailFrom?: string };
}

/**
 * Only the topmost header with our authserv-id counts: our MTA prepends its own, so anything below it came with the
 * message and may be forged (RFC 8601 §5 asks MTAs to remove those; we do not rely on it).
 */
function trustedDmarc(headers: readonly RawHeader[], authservId: string, fromDomain: string): SenderVerdict | undefined {
  for (const value of headerValues(headers, 'authentication-results')) {
    const parsed = parseAuthenticationResults(value);
    if (parsed?.authservId !== authservId) continue;
    const dmarc = parsed.results.get('dmarc');
    if (dmarc === undefined) return { ok: false, reason: 'dmarc_failed', detail: `${authservId} reported no DMARC result` };
    if (dmarc.result !== 'pass') return { ok: false, reason: 'dmarc_failed', detail: `${authservId} reported dmarc=${dmarc.result}` };
    const property = dmarc.properties.get('header.from');
    const headerFrom = property?.includes('@') ? domainOf(property) : property;
    if (headerFrom !== undefined && headerFrom !== fromDomain) {
      return { ok: false, reason: 'dmarc_failed', detail: `${authservId} passed DMARC for ${headerFrom}, not ${fromDomain}` };
    }
    return { ok: true, via: 'authentication_results' };
  }
  return undefined;
}

export async function verifySender(evidence: SenderEvidence, options: SenderAuthOptions): Promise<SenderVerdict> {
  if (!isAllowedSender(evidence.fromAddress, options.allowedSenders)) {
    return { ok: false, reason: 'sender_not_allowed', detail: 'From address is not in ALLOWED_SENDERS' };
  }
  const fromDomain = domainOf(evidence.fromAddress);
  if (options.trustedAuthservId !== undefined) {
    const verdict = trustedDmarc(evidence.headers, options.trustedAuthservId, fromDomain);
    if (verdict !== undefined) return verdict;
  }
  const envelope = evidence.envelope ?? {};
  try {
    const result = await authenticate(evidence.raw, {
      ...(options.resolver !== undefined ? { resolver: options.resolver } : {}),
      ...(options.mta !== undefined ? { mta: options.mta } : {}),
      ...(envelope.ip !== undefined ? { ip: envelope.ip } : {}),
      ...(envelope.helo !== undefined ? { helo: envelope.helo } : {}),
      ...(envelope.mailFrom !== undefined ? { sender: envelope.mailFrom } : {}),
      trustReceived: envelope.ip === undefined,
      disableArc: true,
      disableBimi: true,
    });
    if (result.dmarc === false) {
      return { ok: false, reason: 'dmarc_failed', detail: `DMARC not evaluated: ${result.dmarcSkipReason ?? 'no author domain'}` };
    }
    const status = result.dmarc.status.result;
    if (status !== 'pass') return { ok: false, reason: 'dmarc_failed', detail: `dmarc=${status} for ${result.dmarc.domain}` };
    return { ok: true, via: 'mailauth' };
  } catch (error) {
    return { ok: false, reason: 'dmarc_failed', detail: `authentication error: ${error instanceof Error ? error.message : String(error)}` };
  }
}
