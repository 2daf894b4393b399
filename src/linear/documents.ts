// Every GraphQL document the project sends to Linear, one operation each; a test validates all of them against
// Linear's published schema, so a field that does not exist fails CI rather than production.
//
// Connection sizes are explicit: Linear scores a query's complexity by multiplying a connection's children by its
// `first` (default 50) and rejects anything above 10,000 points, so nested connections are kept small.

const userFields = /* GraphQL */ `
  fragment UserFields on User {
    id
    name
    displayName
    email
  }
`;

// Issue and IssueSearchResult share these fields but are distinct types, so the selection is written once and
// wrapped in a fragment for each.
const issueSelection = /* GraphQL */ `
    id
    identifier
    title
    description
    url
    priority
    priorityLabel
    createdAt
    updatedAt
    team {
      id
      key
    }
    state {
      id
      name
      type
    }
    assignee {
      id
      name
      email
    }
    labels(first: 50) {
      nodes {
        id
        name
      }
    }
`;

const issueFields = /* GraphQL */ `
  fragment IssueFields on Issue {${issueSelection}}
`;

const searchResultFields = /* GraphQL */ `
  fragment SearchResultFields on IssueSearchResult {${issueSelection}}
`;

const commentFields = /* GraphQL */ `
  fragment CommentFields on Comment {
    id
    body
    url
    createdAt
    user {
      name
    }
    issue {
      id
      identifier
    }
  }
`;

const teamContextFields = /* GraphQL */ `
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

export const documents = {
  teams: /* GraphQL */ `
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

  /** What a team key or name resolves against; far cheaper than `teams` with its members. */
  teamRefs: /* GraphQL */ `
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

  users: /* GraphQL */ `
    query Users {
      users(first: 250) {
        nodes {
          ...UserFields
        }
      }
    }
    ${userFields}
  `,

  teamMembers: /* GraphQL */ `
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

  /** Exact (case-insensitive) email, name or display name: how an assignee given by the model is found. */
  findUsers: /* GraphQL */ `
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

  workflowStates: /* GraphQL */ `
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

  labels: /* GraphQL */ `
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

  /** A team's states and labels plus the workspace-wide labels: what state and label names resolve against. */
  teamContext: /* GraphQL */ `
    query TeamContext($teamId: String!) {
      team(id: $teamId) {
        ...TeamContextFields
      }
      workspaceLabels: issueLabels(first: 250, filter: { team: { null: true } }) {
        nodes {
          id
          name
        }
      }
    }
    ${teamContextFields}
  `,

  /** The same for an existing issue's team, when an update names a state or label. */
  issueContext: /* GraphQL */ `
    query IssueContext($id: String!) {
      issue(id: $id) {
        id
        team {
          ...TeamContextFields
        }
      }
      workspaceLabels: issueLabels(first: 250, filter: { team: { null: true } }) {
        nodes {
          id
          name
        }
      }
    }
    ${teamContextFields}
  `,

  /** Also the existence check before a create with a client-supplied id. */
  issueById: /* GraphQL */ `
    query IssueById($id: String!) {
      issue(id: $id) {
        ...IssueFields
      }
    }
    ${issueFields}
  `,

  issueDetail: /* GraphQL */ `
    query IssueDetail($id: String!) {
      issue(id: $id) {
        ...IssueFields
        comments(first: 50) {
          nodes {
            id
            body
            url
            createdAt
            user {
              name
            }
          }
        }
      }
    }
    ${issueFields}
  `,

  issues: /* GraphQL */ `
    query Issues($filter: IssueFilter, $first: Int!) {
      issues(filter: $filter, first: $first, orderBy: updatedAt) {
        nodes {
          ...IssueFields
        }
      }
    }
    ${issueFields}
  `,

  searchIssues: /* GraphQL */ `
    query SearchIssues($term: String!, $filter: IssueFilter, $first: Int!) {
      searchIssues(term: $term, filter: $filter, first: $first) {
        nodes {
          ...SearchResultFields
        }
      }
    }
    ${searchResultFields}
  `,

  issueCreate: /* GraphQL */ `
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

  issueUpdate: /* GraphQL */ `
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

  /** The existence check before a comment create with a client-supplied id. */
  commentById: /* GraphQL */ `
    query CommentById($id: String!) {
      comment(id: $id) {
        ...CommentFields
      }
    }
    ${commentFields}
  `,

  commentCreate: /* GraphQL */ `
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
} as const;

export type DocumentName = keyof typeof documents;
