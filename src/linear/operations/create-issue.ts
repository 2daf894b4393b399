// createIssue: idempotent. The issue's id is derived from the step's idempotency key and looked up before the
// create, so a step retried after a lost response finds what it made the first time instead of making another.
import { z } from 'zod';
import type { IssueDraft, LinearIssue, WriteOptions } from '../linear-port.js';
import { linearDocument, linearOperation, resultOf } from '../operation.js';
import { isUuid, needsLookup, resolveLabelRef, resolveStateRef } from '../references.js';
import { issueFields, issueNode, issueNodeOf, toIssue, type IssueNode } from '../selections.js';

/** Also the existence check before a create with a client-supplied id. */
const issueByIdDocument = linearDocument(
  'issueById',
  /* GraphQL */ `
    query IssueById($id: String!) {
      issue(id: $id) {
        ...IssueFields
      }
    }
    ${issueFields}
  `,
  z.object({ issue: issueNode }),
);

const issueCreateDocument = linearDocument(
  'issueCreate',
  /* GraphQL */ `
    mutation IssueCreate($input: IssueCreateInput!) {
      issueCreate(input: $input) {
        success
        issue {
          ...IssueFields
        }
      }
    }
    ${issueFields}
  `,
  z.object({ issueCreate: z.object({ success: z.boolean(), issue: issueNode.nullable() }) }),
);

export const createIssue = linearOperation<(input: IssueDraft, options: WriteOptions) => Promise<LinearIssue>>({
  documents: [issueByIdDocument, issueCreateDocument],
  remote: (api) => async (draft, { idempotencyKey, signal }) => {
    const teamId = await api.resolveTeam(draft.teamId, signal);
    // An unresolved team is passed on as given, and then there is nothing to resolve state or label names against.
    const context = isUuid(teamId) && needsLookup(draft.stateId, draft.labelIds) ? await api.teamContext(teamId, signal) : undefined;
    const input = {
      id: api.idFor('issue', idempotencyKey),
      teamId,
      title: draft.title,
      description: draft.description,
      priority: draft.priority,
      assigneeId: draft.assigneeId === undefined ? undefined : await api.resolveUser(draft.assigneeId, signal),
      stateId: draft.stateId === undefined || context === undefined ? draft.stateId : resolveStateRef(draft.stateId, context.states),
      labelIds: draft.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
    };
    const node = await api.createOnce<IssueNode>(
      () => api.absentIfNotFound(api.send(issueByIdDocument, { id: input.id }, signal).then((d) => d.issue)),
      async () => resultOf((await api.send(issueCreateDocument, { input }, signal)).issueCreate.issue, 'issueCreate'),
      signal,
    );
    return toIssue(node);
  },
  local:
    ({ store, call, resolveTeam, resolveUser, teamContext, idFor }) =>
    (draft, { idempotencyKey, signal }) =>
      call(signal, () => {
        const teamId = resolveTeam(draft.teamId);
        const context = isUuid(teamId) && needsLookup(draft.stateId, draft.labelIds) ? teamContext(teamId) : undefined;
        const id = idFor('issue', idempotencyKey);
        const existing = store.findIssue(id);
        if (existing !== undefined) return toIssue(issueNodeOf(existing));
        const created = store.createIssue({
          id,
          teamId,
          title: draft.title,
          description: draft.description,
          priority: draft.priority,
          assigneeId: draft.assigneeId === undefined ? undefined : resolveUser(draft.assigneeId),
          stateId: draft.stateId === undefined || context === undefined ? draft.stateId : resolveStateRef(draft.stateId, context.states),
          labelIds: draft.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
        });
        return toIssue(issueNodeOf(created));
      }),
});
