// The lookups behind the forgiving references (./references.ts): what a team key or name, a person's email or name,
// and a state or label name resolve against. Shared by the operations that take references; each port runs them
// its own way (LinearApi, LocalLinear in ./operation.ts).
import { z } from 'zod';
import type { LinearLabel, LinearWorkflowState } from './linear-port.js';
import { linearDocument } from './operation.js';
import { labelRef, nodes, stateNode, userFields, userNode } from './selections.js';

/** A team's states (by position) and the labels usable on its issues: its own and the workspace-wide ones. */
export interface TeamContext {
  team: { id: string; key: string; name: string };
  states: LinearWorkflowState[];
  labels: LinearLabel[];
}

export const teamContextFields = /* GraphQL */ `
  fragment TeamContextFields on Team {
    id
    key
    name
    states(first: 100) {
      nodes {
        id
        name
        type
        position
      }
    }
    labels(first: 250) {
      nodes {
        id
        name
      }
    }
  }
`;

export const teamContextNode = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  states: nodes(stateNode.extend({ position: z.number() })),
  labels: nodes(labelRef),
});

export function toTeamContext(team: z.infer<typeof teamContextNode>, workspaceLabels: { id: string; name: string }[]): TeamContext {
  const ref = { id: team.id, key: team.key };
  return {
    team: { id: team.id, key: team.key, name: team.name },
    states: [...team.states.nodes]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ id: s.id, name: s.name, type: s.type, team: ref })),
    labels: [
      ...team.labels.nodes.map((l) => ({ id: l.id, name: l.name, team: ref })),
      ...workspaceLabels.map((l) => ({ id: l.id, name: l.name, team: null })),
    ],
  };
}

/** Asked alongside a team context: the labels of no team. */
export const workspaceLabelsSelection = /* GraphQL */ `
      workspaceLabels: issueLabels(first: 250, filter: { team: { null: true } }) {
        nodes {
          id
          name
        }
      }
`;

/** What a team key or name resolves against; far cheaper than listing teams with their members. */
export const teamRefsDocument = linearDocument(
  'teamRefs',
  /* GraphQL */ `
    query TeamRefs {
      teams(first: 250) {
        nodes {
          id
          key
          name
        }
      }
    }
  `,
  z.object({ teams: nodes(z.object({ id: z.string(), key: z.string(), name: z.string() })) }),
);

/** Exact (case-insensitive) email, name or display name: how an assignee given by the model is found. */
export const findUsersDocument = linearDocument(
  'findUsers',
  /* GraphQL */ `
    query FindUsers($value: String!) {
      users(
        first: 5
        filter: {
          or: [{ email: { eqIgnoreCase: $value } }, { name: { eqIgnoreCase: $value } }, { displayName: { eqIgnoreCase: $value } }]
        }
      ) {
        nodes {
          ...UserFields
        }
      }
    }
    ${userFields}
  `,
  z.object({ users: nodes(userNode) }),
);

/** A team's states and labels plus the workspace-wide labels: what state and label names resolve against. */
export const teamContextDocument = linearDocument(
  'teamContext',
  /* GraphQL */ `
    query TeamContext($teamId: String!) {
      team(id: $teamId) {
        ...TeamContextFields
      }
${workspaceLabelsSelection}    }
    ${teamContextFields}
  `,
  z.object({ team: teamContextNode, workspaceLabels: nodes(labelRef) }),
);

export const lookupDocuments = [teamRefsDocument, findUsersDocument, teamContextDocument];
