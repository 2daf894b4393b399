// Mail we must never act on because a machine sent it: auto-replies, bulk and list mail, bounces (RFC 3834).
import { localPartOf } from '../addresses.js';
import { addressIn, headerValues, type RawHeader } from './header-block.js';

export type AutomatedReason = 'auto_submitted' | 'bulk' | 'bounce';

export interface EnvelopeHint {
  /** SMTP MAIL FROM; `''` is the null return path of a bounce. */
  mailFrom?: string;
}

const bounceSenders = new Set(['mailer-daemon', 'postmaster']);


/** Why this message was sent by a machine, or undefined when it looks like a person wrote it. */
export function automatedReason(
  headers: readonly RawHeader[],
  fromAddress: string | undefined,
  envelope: EnvelopeHint = {},
): AutomatedReason | undefined {
  for (const value of headerValues(headers, 'auto-submitted')) {
    const keyword = value.split(';')[0]?.trim().toLowerCase() ?? '';
    if (keyword !== 'no') return 'auto_submitted';
  }
  // Vacation responders that predate RFC 3834 mark themselves only with these.
  if (headerValues(headers, 'x-autoreply').length > 0 || headerValues(headers, 'x-autorespond').length > 0) {
    return 'auto_submitted';
  }
  for (const value of headerValues(headers, 'precedence')) {
    if (['bulk', 'list', 'junk'].includes(value.trim().toLowerCase())) return 'bulk';
  }
  const returnPaths = [...headerValues(headers, 'return-path'), ...(envelope.mailFrom !== undefined ? [envelope.mailFrom] : [])];
  if (returnPaths.some((rp) => addressIn(rp) === '')) return 'bounce';
  const senders = [fromAddress ?? '', ...returnPaths.map(addressIn)].filter((a) => a !== '');
  if (senders.some((a) => bounceSenders.has(localPartOf(a)))) return 'bounce';
  const contentType = headerValues(headers, 'content-type')[0]?.toLowerCase() ?? '';
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(contentType)) return 'bounce';
  return undefined;
}
