// listWorkflowStates: one team's states in board order, or every team's.
import { z } from 'zod';
import type { LinearWorkflowState, ReadOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import { nodes, stateNode, teamRef } from '../selections.js';

const workflowStatesDocument = linearDocument(
  'workflowStates',
  /* GraphQL */ `
    query WorkflowStates {
      workflowStates(first: 250) {
        nodes {
          id
          name
          type
          position
          team {
            id
            key
          }
        }
      }
    }
  `,
  z.object({ workflowStates: nodes(stateNode.extend({ position: z.number(), team: teamRef })) }),
);

function toWorkflowStates(data: z.infer<typeof workflowStatesDocument.reply>): LinearWorkflowState[] {
  return [...data.workflowStates.nodes]
    .sort((a, b) => a.team.key.localeCompare(b.team.key) || a.position - b.position)
    .map((s) => ({ id: s.id, name: s.name, type: s.type, team: { id: s.team.id, key: s.team.key } }));
}

export const listWorkflowStates = linearOperation<(filter?: { teamId?: string }, options?: ReadOptions) => Promise<LinearWorkflowState[]>>({
  documents: [workflowStatesDocument],
  remote:
    (api) =>
    async ({ teamId } = {}, { signal } = {}) => {
      if (teamId === undefined) return toWorkflowStates(await api.request(workflowStatesDocument, {}, signal));
      return (await api.teamContext(await api.resolveTeam(teamId, signal), signal)).states;
    },
  local:
    ({ store, call, resolveTeam, teamContext }) =>
    ({ teamId } = {}, { signal } = {}) =>
      call(signal, () =>
        teamId === undefined ? toWorkflowStates({ workflowStates: { nodes: store.states() } }) : teamContext(resolveTeam(teamId)).states,
      ),
});
