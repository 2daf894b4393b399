// A DNS resolver for mailauth that answers from a table, so SPF/DKIM/DMARC verdicts are decided by the test.
import type { DNSResolver } from 'mailauth';

export type DnsTable = Record<string, string[]>;

/** Keys are "TXT:_dmarc.example.com"; TXT answers are single strings (mailauth joins chunks anyway). */
export function fakeResolver(table: DnsTable): DNSResolver & { queries: string[] } {
  const queries: string[] = [];
  const resolver = async (domain: string, rrtype: string): Promise<string[][] | string[]> => {
    const key = `${rrtype.toUpperCase()}:${domain.toLowerCase()}`;
    queries.push(key);
    const answer = table[key];
    if (answer === undefined) {
      const error = new Error(`queryTxt ENOTFOUND ${domain}`) as Error & { code: string };
      error.code = 'ENOTFOUND';
      throw error;
    }
    return rrtype.toUpperCase() === 'TXT' ? answer.map((a) => [a]) : answer;
  };
  return Object.assign(resolver, { queries });
}
