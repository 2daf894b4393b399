// Reads an Authentication-Results header (RFC 8601) far enough to learn who wrote it and what each method said.
export interface MethodResult {
  /** Lower case, e.g. pass, fail, none. */
  result: string;
  /** ptype.property → value, e.g. header.from → example.com (values lower case). */
  properties: Map<string, string>;
}

export interface AuthenticationResults {
  /** Lower case. */
  authservId: string;
  /** method → its first result, e.g. dmarc → { result: 'pass' }. */
  results: Map<string, MethodResult>;
}

function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (const ch of value) {
    if (ch === '"' && depth === 0) quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

export function parseAuthenticationResults(value: string): AuthenticationResults | undefined {
  const parts = stripComments(value).split(';').map((p) => p.trim());
  // authserv-id may be followed by a version number: "mx.example.com 1".
  const authservId = parts[0]?.split(/\s+/)[0]?.toLowerCase().replace(/^"|"$/g, '');
  if (!authservId) return undefined;
  const results = new Map<string, MethodResult>();
  for (const part of parts.slice(1)) {
    const m = /^([a-z0-9_-]+)(?:\/[0-9]+)?\s*=\s*([a-z]+)(.*)$/is.exec(part);
    const method = m?.[1]?.toLowerCase();
    if (!m || method === undefined || results.has(method)) continue;
    const properties = new Map<string, string>();
    for (const p of (m[3] ?? '').matchAll(/([a-z0-9_-]+\.[a-z0-9_.-]+)\s*=\s*("[^"]*"|\S+)/gi)) {
      properties.set((p[1] ?? '').toLowerCase(), (p[2] ?? '').replace(/^"|"$/g, '').toLowerCase());
    }
    results.set(method, { result: (m[2] ?? '').toLowerCase(), properties });
  }
  return { authservId, results };
}
