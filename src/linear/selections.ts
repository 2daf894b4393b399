// The selections several operations share: each entity's GraphQL fragment, the zod schema of what it selects, and
// the mapping to the port's compact JSON. The local workspace maps its records through the same functions (after
// putting them in the selection's shape), so both LinearPorts answer in exactly the same shape.
//
// Connection sizes are explicit: Linear scores a query's complexity by multiplying a connection's children by its
// `first` (default 50) and rejects anything above 10,000 points, so nested connections are kept small.
import { z } from 'zod';
import type { LinearComment, LinearIssue, LinearIssueSummary, LinearUser, LinearUserRef } from './linear-port.js';
import type { CommentRecord, IssueRecord } from './local-workspace/records.js';

export const nodes = <T extends z.ZodType>(node: T) => z.object({ nodes: z.array(node) });

export const teamRef = z.object({ id: z.string(), key: z.string() });
export const userRef = z.object({ id: z.string(), name: z.string(), email: z.string() });
export const stateNode = z.object({ id: z.string(), name: z.string(), type: z.string() });
export const labelRef = z.object({ id: z.string(), name: z.string() });

export const userFields = /* GraphQL */ `
  fragment UserFields on User {
    id
    name
    displayName
    email
  }
`;

export const userNode = userRef.extend({ displayName: z.string() });

export function toUserRef(user: LinearUserRef): LinearUserRef {
  return { id: user.id, name: user.name, email: user.email };
}

export function toUser(user: z.infer<typeof userNode>): LinearUser {
  return { id: user.id, name: user.name, displayName: user.displayName, email: user.email };
}

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

export const issueFields = /* GraphQL */ `
  fragment IssueFields on Issue {${issueSelection}}
`;

export const searchResultFields = /* GraphQL */ `
  fragment SearchResultFields on IssueSearchResult {${issueSelection}}
`;

export const issueNode = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  url: z.string(),
  priority: z.number(),
  priorityLabel: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  team: teamRef,
  state: stateNode,
  assignee: userRef.nullable(),
  labels: nodes(labelRef),
});
export type IssueNode = z.infer<typeof issueNode>;

export function toIssueSummary(node: IssueNode): LinearIssueSummary {
  return {
    id: node.id,
    identifier: node.identifier,
    title: node.title,
    url: node.url,
    team: { id: node.team.id, key: node.team.key },
    state: { id: node.state.id, name: node.state.name, type: node.state.type },
    assignee: node.assignee === null ? null : toUserRef(node.assignee),
    priority: Math.round(node.priority),
    priorityLabel: node.priorityLabel,
    labels: node.labels.nodes.map((l) => l.name),
    updatedAt: node.updatedAt,
  };
}

export function toIssue(node: IssueNode): LinearIssue {
  const { id, identifier, title, ...rest } = toIssueSummary(node);
  // The description right after the title, where a reader (the model) expects it.
  return { id, identifier, title, description: node.description, ...rest, createdAt: node.createdAt };
}

/** A record in the shape of the IssueFields selection, so one mapping serves both ports. */
export function issueNodeOf(issue: IssueRecord): IssueNode {
  return { ...issue, labels: { nodes: issue.labels } };
}

/** A comment as an issue's `comments` connection selects it. */
export const issueCommentSelection = /* GraphQL */ `
    id
    body
    url
    createdAt
    user {
      name
    }
`;

export const commentFields = /* GraphQL */ `
  fragment CommentFields on Comment {${issueCommentSelection}
    issue {
      id
      identifier
    }
  }
`;

export const issueCommentNode = z.object({
  id: z.string(),
  body: z.string(),
  url: z.string(),
  createdAt: z.string(),
  user: z.object({ name: z.string() }).nullable(),
});
export type IssueCommentNode = z.infer<typeof issueCommentNode>;

// Comment.issue is nullable in the schema (comments also live on projects and documents); ours are always on issues.
export const commentNode = issueCommentNode.extend({
  issue: z.object({ id: z.string(), identifier: z.string() }),
});
export type CommentNode = z.infer<typeof commentNode>;

/** Oldest first, the latest `shown` of them: how the model reads an issue's conversation. */
export function toIssueComments(comments: readonly IssueCommentNode[], shown: number): Omit<LinearComment, 'issue'>[] {
  return [...comments]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .slice(-shown)
    .map((c) => ({ id: c.id, body: c.body, url: c.url, author: c.user?.name ?? null, createdAt: c.createdAt }));
}

export function toComment(node: CommentNode): LinearComment {
  return {
    id: node.id,
    body: node.body,
    url: node.url,
    author: node.user?.name ?? null,
    createdAt: node.createdAt,
    issue: { id: node.issue.id, identifier: node.issue.identifier },
  };
}

export function commentNodeOf(comment: CommentRecord): CommentNode {
  return { ...comment, user: comment.user === null ? null : { name: comment.user.name } };
}
