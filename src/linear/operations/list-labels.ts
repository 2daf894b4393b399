// listLabels: with a team, that team's labels and the workspace-wide ones; without, every label.
import { z } from 'zod';
import type { LinearLabel, ReadOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import { labelRef, nodes, teamRef } from '../selections.js';

const labelsDocument = linearDocument(
  'labels',
  /* GraphQL */ `
    query Labels {
      issueLabels(first: 250) {
        nodes {
          id
          name
          team {
            id
            key
          }
        }
      }
    }
  `,
  z.object({ issueLabels: nodes(labelRef.extend({ team: teamRef.nullable() })) }),
);

function toLabels(data: z.infer<typeof labelsDocument.reply>): LinearLabel[] {
  return data.issueLabels.nodes.map((l) => ({ id: l.id, name: l.name, team: l.team === null ? null : { id: l.team.id, key: l.team.key } }));
}

export const listLabels = linearOperation<(filter?: { teamId?: string }, options?: ReadOptions) => Promise<LinearLabel[]>>({
  documents: [labelsDocument],
  remote:
    (api) =>
    async ({ teamId } = {}, { signal } = {}) => {
      if (teamId === undefined) return toLabels(await api.request(labelsDocument, {}, signal));
      return (await api.teamContext(await api.resolveTeam(teamId, signal), signal)).labels;
    },
  local:
    ({ store, call, resolveTeam, teamContext }) =>
    ({ teamId } = {}, { signal } = {}) =>
      call(signal, () => (teamId === undefined ? toLabels({ issueLabels: { nodes: store.labels() } }) : teamContext(resolveTeam(teamId)).labels)),
});
