// Linear's `Issue` `create` data webhook, checked at the edge, and the thread it starts for the triage agent: the
// issue's fields in words, and in `meta.issueCreated` its id and the `updatedAt` the webhook saw, which the agent
// compares with a re-read before it writes. One thread per issue: the issue id is the delivery.
import { z } from 'zod';
import type { Opening } from '../../../core/human-input.js';

export const ISSUE_CREATED_SOURCE = 'linear-issue-created';

export const issueWebhookSchema = z.object({
  type: z.literal('Issue'),
  action: z.string(),
  webhookTimestamp: z.number(),
  actor: z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional() }).loose().nullish(),
  url: z.string().optional(),
  data: z
    .object({
      id: z.string().min(1),
      identifier: z.string().min(1),
      title: z.string(),
      description: z.string().nullish(),
      priority: z.number().nullish(),
      updatedAt: z.string().min(1),
      createdAt: z.string().optional(),
      assigneeId: z.string().nullish(),
      creatorId: z.string().nullish(),
      labelIds: z.array(z.string()).nullish(),
      team: z.object({ id: z.string(), key: z.string(), name: z.string().optional() }).loose().nullish(),
    })
    .loose(),
});
export type IssueWebhook = z.infer<typeof issueWebhookSchema>;

export function issueTeamKey(event: IssueWebhook): string | undefined {
  return event.data.team?.key.toUpperCase() ?? (/^([A-Za-z0-9]+)-\d+$/.exec(event.data.identifier)?.[1]?.toUpperCase());
}

export function issueCreatedOpening(event: IssueWebhook): Opening {
  const issue = event.data;
  const lines = [
    `New issue ${issue.identifier}: ${issue.title}`,
    ...(issue.description ? [issue.description] : []),
    `team: ${issueTeamKey(event) ?? 'unknown'}; priority: ${issue.priority ?? 0}; assignee: ${issue.assigneeId ?? 'none'}; labels: ${(issue.labelIds ?? []).join(', ') || 'none'}`,
    ...(event.url ? [event.url] : []),
  ];
  return {
    kind: 'message',
    text: lines.join('\n'),
    meta: {
      issueCreated: {
        id: issue.id,
        identifier: issue.identifier,
        updatedAt: issue.updatedAt,
        assigneeId: issue.assigneeId ?? null,
        ...(issue.creatorId ? { creatorId: issue.creatorId } : {}),
      },
    },
  };
}
