// getIssueComments: an issue's conversation, the latest `limit` comments oldest first, for when the 20 that getIssue
// shows are not enough to follow it.
import { z } from 'zod';
import type { LinearComment, ReadOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import { commentNodeOf, issueCommentNode, issueCommentSelection, nodes, toIssueComments } from '../selections.js';

export interface LinearIssueComments {
  issue: { id: string; identifier: string };
  comments: Omit<LinearComment, 'issue'>[];
}

/** 1–100, default 50: one issue's comments keep the query far below Linear's complexity limit. */
export function commentsLimit(limit: number | undefined): number {
  return Math.min(100, Math.max(1, Math.trunc(limit ?? 50)));
}

const issueCommentsDocument = linearDocument(
  'issueComments',
  /* GraphQL */ `
    query IssueComments($id: String!, $first: Int!) {
      issue(id: $id) {
        id
        identifier
        comments(first: $first) {
          nodes {${issueCommentSelection}          }
        }
      }
    }
  `,
  z.object({ issue: z.object({ id: z.string(), identifier: z.string(), comments: nodes(issueCommentNode) }) }),
);

function toIssueCommentsReply(issue: z.infer<typeof issueCommentsDocument.reply>['issue'], first: number): LinearIssueComments {
  return { issue: { id: issue.id, identifier: issue.identifier }, comments: toIssueComments(issue.comments.nodes, first) };
}

export const getIssueComments = linearOperation<
  (idOrIdentifier: string, filter?: { limit?: number }, options?: ReadOptions) => Promise<LinearIssueComments>
>({
  documents: [issueCommentsDocument],
  remote:
    (api) =>
    async (issueRef, { limit } = {}, { signal } = {}) => {
      const first = commentsLimit(limit);
      return toIssueCommentsReply((await api.request(issueCommentsDocument, { id: issueRef, first }, signal)).issue, first);
    },
  local:
    ({ store, call }) =>
    (issueRef, { limit } = {}, { signal } = {}) =>
      call(signal, () => {
        const first = commentsLimit(limit);
        const issue = store.issue(issueRef);
        const comments = store.comments(issue.id, first).map(commentNodeOf);
        return toIssueCommentsReply({ id: issue.id, identifier: issue.identifier, comments: { nodes: comments } }, first);
      }),
});
