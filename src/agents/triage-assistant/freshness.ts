// The check before every write: the issue is re-read, and when it was updated after what this thread last saw (the
// webhook's `updatedAt`, or the one our own last write left), a human changed it and nothing is written.
import { HardwayError } from '../../core/errors.js';
import type { ThreadId } from '../../core/ids.js';
import type { Thread } from '../../core/thread.js';
import type { LinearPort } from '../../linear/linear-port.js';
import { issueCreatedOf } from './opening.js';

/** The tool's failure kind the model and the policy read: a human changed the issue after the webhook. */
export const CHANGED_BY_HUMAN = 'changed_by_human';

export class IssueChangedError extends HardwayError {
  constructor(message: string) {
    super('invalid_state', message, false);
    this.name = 'IssueChangedError';
  }
}

export interface ThreadReader {
  load(threadId: ThreadId): Promise<Thread | undefined>;
}

/** What our own writes return, so the next write's baseline is the `updatedAt` they left. */
export const OWN_UPDATED_AT = 'issueUpdatedAt';

/** The latest `updatedAt` this thread saw for its issue: the webhook's, or after our own last write. */
export function baselineOf(thread: Thread): string | undefined {
  let baseline = issueCreatedOf(thread)?.updatedAt;
  for (const event of thread.events) {
    if (event.type !== 'tool_succeeded') continue;
    const result = event.data.result;
    if (result === null || typeof result !== 'object' || Array.isArray(result)) continue;
    const seen = result[OWN_UPDATED_AT];
    if (typeof seen === 'string' && (baseline === undefined || seen > baseline)) baseline = seen;
  }
  return baseline;
}

/** Throws `IssueChangedError` when the issue changed after the thread's baseline; the thread's own issue only. */
export async function assertUnchanged(deps: { linear: LinearPort; threads: ThreadReader }, threadId: ThreadId, issueRef: string, signal: AbortSignal): Promise<void> {
  const thread = await deps.threads.load(threadId);
  const opened = thread === undefined ? undefined : issueCreatedOf(thread);
  if (thread === undefined || opened === undefined) throw new HardwayError('invalid_state', 'this thread was not started by an Issue create webhook: the Triage Assistant writes nothing');
  const baseline = baselineOf(thread) ?? opened.updatedAt;
  const current = await deps.linear.getIssue(issueRef, { signal });
  if (current.id !== opened.id) throw new HardwayError('invalid_input', `${issueRef} is not the issue this thread triages (${opened.identifier})`);
  // ISO-8601 instants in UTC from one source compare as strings; Date keeps it right for other offsets.
  if (Date.parse(current.updatedAt) > Date.parse(baseline)) {
    throw new IssueChangedError(`${opened.identifier} was changed at ${current.updatedAt}, after the webhook (${baseline}): not writing`);
  }
}
