// addComment: idempotent like createIssue, the comment's id derived from the step's idempotency key.
import { z } from 'zod';
import type { LinearComment, WriteOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import { commentFields, commentNode, commentNodeOf, toComment, type CommentNode } from '../selections.js';

/** The existence check before a comment create with a client-supplied id. */
const commentByIdDocument = linearDocument(
  'commentById',
  /* GraphQL */ `
    query CommentById($id: String!) {
      comment(id: $id) {
        ...CommentFields
      }
    }
    ${commentFields}
  `,
  z.object({ comment: commentNode }),
);

const commentCreateDocument = linearDocument(
  'commentCreate',
  /* GraphQL */ `
    mutation CommentCreate($input: CommentCreateInput!) {
      commentCreate(input: $input) {
        success
        comment {
          ...CommentFields
        }
      }
    }
    ${commentFields}
  `,
  z.object({ commentCreate: z.object({ success: z.boolean(), comment: commentNode }) }),
);

export const addComment = linearOperation<(issueIdOrIdentifier: string, body: string, options: WriteOptions) => Promise<LinearComment>>({
  documents: [commentByIdDocument, commentCreateDocument],
  remote: (api) => async (issueRef, body, { idempotencyKey, signal }) => {
    const id = api.idFor('comment', idempotencyKey);
    const node = await api.createOnce<CommentNode>(
      () => api.absentIfNotFound(api.send(commentByIdDocument, { id }, signal).then((d) => d.comment)),
      async () => (await api.send(commentCreateDocument, { input: { id, issueId: issueRef, body } }, signal)).commentCreate.comment,
      signal,
    );
    return toComment(node);
  },
  local:
    ({ store, call, idFor }) =>
    (issueRef, body, { idempotencyKey, signal }) =>
      call(signal, () => {
        const id = idFor('comment', idempotencyKey);
        const comment = store.findComment(id) ?? store.createComment({ id, issueId: issueRef, body });
        return toComment(commentNodeOf(comment));
      }),
});
