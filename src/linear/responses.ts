// What each document in documents.ts answers, parsed with zod (Linear's reply is external input), and the mapping
// from Linear's nodes to the port's compact JSON. The local workspace maps its records through the same functions,
// so both LinearPorts answer in exactly the same shape.
import { z } from 'zod';
import type { DocumentName } from './documents.js';
import type {
  LinearComment,
  LinearIssue,
  LinearIssueDetail,
  LinearIssueSummary,
  LinearLabel,
  LinearTeam,
  LinearUser,
  LinearUserRef,
  LinearWorkflowState,
} from './linear-port.js';

const nodes = <T extends z.ZodType>(node: T) => z.object({ nodes: z.array(node) });

const teamRef = z.object({ id: z.string(), key: z.string() });
const userRef = z.object({ id: z.string(), name: z.string(), email: z.string() });
const userNode = userRef.extend({ displayName: z.string() });
const stateNode = z.object({ id: z.string(), name: z.string(), type: z.string() });
const labelRef = z.object({ id: z.string(), name: z.string() });

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

const issueCommentNode = z.object({
  id: z.string(),
  body: z.string(),
  url: z.string(),
  createdAt: z.string(),
  user: z.object({ name: z.string() }).nullable(),
});

// Comment.issue is nullable in the schema (comments also live on projects and documents); ours are always on issues.
export const commentNode = issueCommentNode.extend({
  issue: z.object({ id: z.string(), identifier: z.string() }),
});
export type CommentNode = z.infer<typeof commentNode>;

const teamContextNode = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  states: nodes(stateNode.extend({ position: z.number() })),
  labels: nodes(labelRef),
});

export const responses = {
  teams: z.object({
    teams: nodes(z.object({ id: z.string(), key: z.string(), name: z.string(), members: nodes(userRef) })),
  }),
  teamRefs: z.object({ teams: nodes(z.object({ id: z.string(), key: z.string(), name: z.string() })) }),
  users: z.object({ users: nodes(userNode) }),
  teamMembers: z.object({ team: z.object({ id: z.string(), members: nodes(userNode) }) }),
  findUsers: z.object({ users: nodes(userNode) }),
  workflowStates: z.object({
    workflowStates: nodes(stateNode.extend({ position: z.number(), team: teamRef })),
  }),
  labels: z.object({ issueLabels: nodes(labelRef.extend({ team: teamRef.nullable() })) }),
  teamContext: z.object({ team: teamContextNode, workspaceLabels: nodes(labelRef) }),
  issueContext: z.object({
    issue: z.object({ id: z.string(), team: teamContextNode }),
    workspaceLabels: nodes(labelRef),
  }),
  issueById: z.object({ issue: issueNode }),
  issueDetail: z.object({ issue: issueNode.extend({ comments: nodes(issueCommentNode) }) }),
  issues: z.object({ issues: nodes(issueNode) }),
  searchIssues: z.object({ searchIssues: nodes(issueNode) }),
  issueCreate: z.object({ issueCreate: z.object({ success: z.boolean(), issue: issueNode.nullable() }) }),
  issueUpdate: z.object({ issueUpdate: z.object({ success: z.boolean(), issue: issueNode.nullable() }) }),
  commentById: z.object({ comment: commentNode }),
  commentCreate: z.object({ commentCreate: z.object({ success: z.boolean(), comment: commentNode }) }),
} as const;

export type ResponseOf<K extends keyof typeof responses> = z.infer<(typeof responses)[K]>;

/** The same table typed per document, so a lookup by a generic name keeps its own reply type (and every document has one). */
export const replySchemas: { [K in DocumentName]: z.ZodType<ResponseOf<K>> } = responses;

/** A team's states (by position) and the labels usable on its issues: its own and the workspace-wide ones. */
export interface TeamContext {
  team: { id: string; key: string; name: string };
  states: LinearWorkflowState[];
  labels: LinearLabel[];
}

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

export function toUserRef(user: LinearUserRef): LinearUserRef {
  return { id: user.id, name: user.name, email: user.email };
}

export function toUser(user: z.infer<typeof userNode>): LinearUser {
  return { id: user.id, name: user.name, displayName: user.displayName, email: user.email };
}

export function toTeams(data: ResponseOf<'teams'>): LinearTeam[] {
  return data.teams.nodes.map((t) => ({ id: t.id, key: t.key, name: t.name, members: t.members.nodes.map(toUserRef) }));
}

export function toWorkflowStates(data: ResponseOf<'workflowStates'>): LinearWorkflowState[] {
  return [...data.workflowStates.nodes]
    .sort((a, b) => a.team.key.localeCompare(b.team.key) || a.position - b.position)
    .map((s) => ({ id: s.id, name: s.name, type: s.type, team: { id: s.team.id, key: s.team.key } }));
}

export function toLabels(data: ResponseOf<'labels'>): LinearLabel[] {
  return data.issueLabels.nodes.map((l) => ({ id: l.id, name: l.name, team: l.team === null ? null : { id: l.team.id, key: l.team.key } }));
}

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

/** How many of an issue's comments the model sees: the latest ones, enough to follow a conversation. */
export const COMMENTS_SHOWN = 20;

export function toIssueDetail(node: ResponseOf<'issueDetail'>['issue']): LinearIssueDetail {
  const comments = [...node.comments.nodes]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .slice(-COMMENTS_SHOWN)
    .map((c) => ({ id: c.id, body: c.body, url: c.url, author: c.user?.name ?? null, createdAt: c.createdAt }));
  return { ...toIssue(node), comments };
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
