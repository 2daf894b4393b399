// Reads an approver's emailed answer in code, never by the model: only an unambiguous first line decides.
export type ApprovalReply = { kind: 'approve'; comment?: string } | { kind: 'deny'; reason?: string } | { kind: 'other' };

// Approval must be the whole first line: "yes, but change the title" is feedback, not consent.
const approveLine = /^(?:approve|approved|yes|y|lgtm)[\s.!]*$/i;
// A denial may carry its reason on the same line ("deny: wrong team") — denying too eagerly is the safe mistake.
const denyLine = /^(?:deny|denied|no|n)(?:[\s.!,:;\u2013\u2014-]+(.*))?$/i;

export function readApprovalReply(body: string): ApprovalReply {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) return { kind: 'other' };
  const first = (lines[firstIndex] ?? '').trim();
  const rest = lines.slice(firstIndex + 1).join('\n').trim();
  if (approveLine.test(first)) return rest === '' ? { kind: 'approve' } : { kind: 'approve', comment: rest };
  const deny = denyLine.exec(first);
  if (deny) {
    const reason = [deny[1]?.trim() ?? '', rest].filter((s) => s !== '').join('\n');
    return reason === '' ? { kind: 'deny' } : { kind: 'deny', reason };
  }
  return { kind: 'other' };
}
