// Email address rules: normalization, the ALLOWED_SENDERS match and who counts as one of our own addresses.
import type { EmailAddress } from './email-received.js';

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

export function localPartOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

/** `rules` holds exact addresses and `@domain` entries; a domain entry does not cover its subdomains. */
export function isAllowedSender(address: string, rules: readonly string[]): boolean {
  const a = normalizeAddress(address);
  const domain = `@${domainOf(a)}`;
  return rules.some((rule) => (rule.startsWith('@') ? rule === domain : rule === a));
}

/** The assistant's address and every plus-address of it (`assistant+anything@domain`). */
export function isOwnAddress(address: string, ownAddress: string): boolean {
  const a = normalizeAddress(address);
  if (domainOf(a) !== domainOf(ownAddress)) return false;
  const local = localPartOf(a);
  const own = localPartOf(ownAddress);
  return local === own || local.startsWith(`${own}+`);
}

export function formatAddress(a: EmailAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

export function uniqueAddresses(list: readonly string[]): string[] {
  return [...new Set(list.map(normalizeAddress))];
}
