// getIssue: one issue, by UUID or identifier (`OPS-42`), with its latest comments.
import { z } from 'zod';
import type { LinearIssueDetail, ReadOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import {
  commentNodeOf,
  issueCommentNode,
  issueCommentSelection,
  issueFields,
  issueNode,
  issueNodeOf,
  nodes,
  toIssue,
  toIssueComments,
} from '../selections.js';

/** How many of an issue's comments the model sees: the latest ones, enough to follow a conversation. */
export const COMMENTS_SHOWN = 20;

/** How many comments are read to pick them from. */
const COMMENTS_READ = 50;

const issueDetailDocument = linearDocument(
  'issueDetail',
  /* GraphQL */ `
    query IssueDetail($id: String!) {
      issue(id: $id) {
        ...IssueFields
        comments(first: ${COMMENTS_READ}) {
          nodes {${issueCommentSelection}          }
        }
      }
    }
    ${issueFields}
  `,
  z.object({ issue: issueNode.extend({ comments: nodes(issueCommentNode) }) }),
);

function toIssueDetail(node: z.infer<typeof issueDetailDocument.reply>['issue']): LinearIssueDetail {
  return { ...toIssue(node), comments: toIssueComments(node.comments.nodes, COMMENTS_SHOWN) };
}

export const getIssue = linearOperation<(idOrIdentifier: string, options?: ReadOptions) => Promise<LinearIssueDetail>>({
  documents: [issueDetailDocument],
  remote:
    (api) =>
    async (issueRef, { signal } = {}) =>
      toIssueDetail((await api.request(issueDetailDocument, { id: issueRef }, signal)).issue),
  local:
    ({ store, call }) =>
    (issueRef, { signal } = {}) =>
      call(signal, () => {
        const issue = store.issue(issueRef);
        const comments = store.comments(issue.id, COMMENTS_READ).map(commentNodeOf);
        return toIssueDetail({ ...issueNodeOf(issue), comments: { nodes: comments } });
      }),
});
