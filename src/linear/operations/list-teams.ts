// listTeams: every team with its active members (who can be assigned there).
import { z } from 'zod';
import type { LinearTeam, ReadOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import { nodes, toUserRef, userRef } from '../selections.js';

const teamsDocument = linearDocument(
  'teams',
  /* GraphQL */ `
    query Teams {
      teams(first: 50) {
        nodes {
          id
          key
          name
          members(first: 100) {
            nodes {
              id
              name
              email
            }
          }
        }
      }
    }
  `,
  z.object({ teams: nodes(z.object({ id: z.string(), key: z.string(), name: z.string(), members: nodes(userRef) })) }),
);

function toTeams(data: z.infer<typeof teamsDocument.reply>): LinearTeam[] {
  return data.teams.nodes.map((t) => ({ id: t.id, key: t.key, name: t.name, members: t.members.nodes.map(toUserRef) }));
}

export const listTeams = linearOperation<(options?: ReadOptions) => Promise<LinearTeam[]>>({
  documents: [teamsDocument],
  remote:
    (api) =>
    async ({ signal } = {}) =>
      toTeams(await api.request(teamsDocument, {}, signal)),
  local:
    ({ store, call }) =>
    ({ signal } = {}) =>
      call(signal, () => toTeams({ teams: { nodes: store.teams().map((t) => ({ ...t, members: { nodes: store.teamMembers(t.id) } })) } })),
});
