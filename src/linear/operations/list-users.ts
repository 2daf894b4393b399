// listUsers: the workspace's active users, or one team's members.
import { z } from 'zod';
import type { LinearUser, ReadOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import { nodes, toUser, userFields, userNode } from '../selections.js';

const usersDocument = linearDocument(
  'users',
  /* GraphQL */ `
    query Users {
      users(first: 250) {
        nodes {
          ...UserFields
        }
      }
    }
    ${userFields}
  `,
  z.object({ users: nodes(userNode) }),
);

const teamMembersDocument = linearDocument(
  'teamMembers',
  /* GraphQL */ `
    query TeamMembers($teamId: String!) {
      team(id: $teamId) {
        id
        members(first: 250) {
          nodes {
            ...UserFields
          }
        }
      }
    }
    ${userFields}
  `,
  z.object({ team: z.object({ id: z.string(), members: nodes(userNode) }) }),
);

export const listUsers = linearOperation<(filter?: { teamId?: string }, options?: ReadOptions) => Promise<LinearUser[]>>({
  documents: [usersDocument, teamMembersDocument],
  remote:
    (api) =>
    async ({ teamId } = {}, { signal } = {}) => {
      if (teamId === undefined) return (await api.request(usersDocument, {}, signal)).users.nodes.map(toUser);
      const team = await api.request(teamMembersDocument, { teamId: await api.resolveTeam(teamId, signal) }, signal);
      return team.team.members.nodes.map(toUser);
    },
  local:
    ({ store, call, resolveTeam }) =>
    ({ teamId } = {}, { signal } = {}) =>
      call(signal, () => (teamId === undefined ? store.users() : store.teamMembers(resolveTeam(teamId))).map(toUser)),
});
