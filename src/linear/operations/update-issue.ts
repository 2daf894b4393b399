// updateIssue: by UUID or identifier; state and label names resolve against the issue's own team.
import { z } from 'zod';
import type { IssueChanges, LinearIssue, WriteOptions } from '../linear-port.js';
import { teamContextFields, teamContextNode, toTeamContext, workspaceLabelsSelection } from '../lookups.js';
import { linearDocument, linearOperation, resultOf } from '../operation.js';
import { needsLookup, resolveLabelRef, resolveStateRef } from '../references.js';
import { issueFields, issueNode, issueNodeOf, labelRef, nodes, toIssue } from '../selections.js';

/** The team context of an existing issue's team, when an update names a state or label. */
const issueContextDocument = linearDocument(
  'issueContext',
  /* GraphQL */ `
    query IssueContext($id: String!) {
      issue(id: $id) {
        id
        team {
          ...TeamContextFields
        }
      }
${workspaceLabelsSelection}    }
    ${teamContextFields}
  `,
  z.object({ issue: z.object({ id: z.string(), team: teamContextNode }), workspaceLabels: nodes(labelRef) }),
);

const issueUpdateDocument = linearDocument(
  'issueUpdate',
  /* GraphQL */ `
    mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) {
      issueUpdate(id: $id, input: $input) {
        success
        issue {
          ...IssueFields
        }
      }
    }
    ${issueFields}
  `,
  z.object({ issueUpdate: z.object({ success: z.boolean(), issue: issueNode.nullable() }) }),
);

export const updateIssue = linearOperation<(idOrIdentifier: string, changes: IssueChanges, options: WriteOptions) => Promise<LinearIssue>>({
  documents: [issueContextDocument, issueUpdateDocument],
  remote: (api) => async (issueRef, changes, { signal }) => {
    const context = needsLookup(changes.stateId, changes.labelIds)
      ? await api.request(issueContextDocument, { id: issueRef }, signal).then((d) => toTeamContext(d.issue.team, d.workspaceLabels.nodes))
      : undefined;
    const assignee = changes.assigneeId;
    const input = {
      title: changes.title,
      description: changes.description,
      priority: changes.priority,
      assigneeId: assignee === undefined || assignee === null ? assignee : await api.resolveUser(assignee, signal),
      stateId: changes.stateId === undefined || context === undefined ? changes.stateId : resolveStateRef(changes.stateId, context.states),
      labelIds: changes.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
    };
    // Setting the same fields twice leaves the same issue, so an update is retried like a read.
    const data = await api.request(issueUpdateDocument, { id: issueRef, input }, signal);
    return toIssue(resultOf(data.issueUpdate.issue, 'issueUpdate'));
  },
  local:
    ({ store, call, resolveUser, teamContext }) =>
    (issueRef, changes, { signal }) =>
      call(signal, () => {
        const context = needsLookup(changes.stateId, changes.labelIds) ? teamContext(store.issue(issueRef).team.id) : undefined;
        const assignee = changes.assigneeId;
        const updated = store.updateIssue(issueRef, {
          title: changes.title,
          description: changes.description,
          priority: changes.priority,
          assigneeId: assignee === undefined || assignee === null ? assignee : resolveUser(assignee),
          stateId: changes.stateId === undefined || context === undefined ? changes.stateId : resolveStateRef(changes.stateId, context.states),
          labelIds: changes.labelIds?.map((l) => (context === undefined ? l : resolveLabelRef(l, context.labels))),
        });
        return toIssue(issueNodeOf(updated));
      }),
});
