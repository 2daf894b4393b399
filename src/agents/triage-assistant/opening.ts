// What the Triage Assistant knows of the issue from the webhook that started its thread: the opening message's
// `meta.issueCreated`, as the Linear channel writes it, parsed here at the agent's edge.
import { z } from 'zod';
import type { Thread } from '../../core/thread.js';

const issueCreated = z.object({
  id: z.string(),
  identifier: z.string(),
  /** The issue's `updatedAt` as the webhook saw it: a later one on re-read means a human changed it. */
  updatedAt: z.string(),
  assigneeId: z.string().nullish(),
});
export type IssueCreated = z.infer<typeof issueCreated>;

export function issueCreatedOf(thread: Pick<Thread, 'events'>): IssueCreated | undefined {
  const first = thread.events[0];
  if (first?.type !== 'message_received') return undefined;
  const meta = first.data.meta;
  const parsed = issueCreated.safeParse(meta === undefined ? undefined : meta.issueCreated);
  return parsed.success ? parsed.data : undefined;
}

/** Whether `ref` names the webhook's issue, by id or identifier. */
export function isTheIssue(ref: string, issue: IssueCreated): boolean {
  return ref === issue.id || ref.toUpperCase() === issue.identifier.toUpperCase();
}
