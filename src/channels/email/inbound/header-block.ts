// The raw header section in order, unfolded: what loop and authentication checks read before any MIME parsing.
export interface RawHeader {
  /** Lower case. */
  name: string;
  value: string;
}

export type HeaderBlock = { ok: true; headers: RawHeader[] } | { ok: false; problem: string };

const MAX_HEADER_BYTES = 1024 * 1024;

export function readHeaderBlock(raw: Buffer): HeaderBlock {
  const window = raw.subarray(0, Math.min(raw.length, MAX_HEADER_BYTES)).toString('latin1');
  const end = window.search(/\r?\n\r?\n/);
  if (end < 0 && raw.length > MAX_HEADER_BYTES) return { ok: false, problem: 'header section larger than 1 MiB' };
  const section = end < 0 ? window : window.slice(0, end);
  const lines = section.split(/\r?\n/);
  const headers: RawHeader[] = [];
  for (const [i, line] of lines.entries()) {
    if (/^[ \t]/.test(line)) {
      const last = headers.at(-1);
      if (last === undefined) return { ok: false, problem: 'message starts with a continuation line, not a header' };
      last.value += ` ${line.trim()}`;
      continue;
    }
    // An mbox "From " separator line is not a header; tolerate it only as the very first line.
    if (i === 0 && line.startsWith('From ')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[\x21-\x39\x3b-\x7e]+$/.test(line.slice(0, colon))) {
      return { ok: false, problem: `line ${i + 1} of the header section is not a header field` };
    }
    headers.push({ name: line.slice(0, colon).toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  if (headers.length === 0) return { ok: false, problem: 'no header fields' };
  return { ok: true, headers };
}

export function headerValues(headers: readonly RawHeader[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => h.value);
}

/** The address in a header value: inside `<…>` when present (`<>` gives ''), else the whole value; lower case. */
export function addressIn(value: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(value) ?? /<([^<>]*)>/.exec(value);
  return (angle ? (angle[1] ?? '') : value).trim().toLowerCase();
}

export type FromHeader = { ok: true; address: string } | { ok: false; problem: string };

/** The single From address, read before MIME parsing so loop and sender checks run on untrusted mail cheaply. */
export function fromHeader(headers: readonly RawHeader[]): FromHeader {
  const values = headerValues(headers, 'from');
  if (values.length !== 1) return { ok: false, problem: values.length === 0 ? 'no From header' : 'more than one From header' };
  const value = values[0] ?? '';
  // A comma outside quotes and angle brackets separates mailboxes: more than one author is not one sender.
  const outside = value.replace(/"[^"]*"/g, '').replace(/<[^>]*>/g, '');
  if (outside.includes(',')) return { ok: false, problem: 'more than one From address' };
  const address = addressIn(value);
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) return { ok: false, problem: 'From header has no usable address' };
  return { ok: true, address };
}
