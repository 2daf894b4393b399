// The local workspace's entities in Linear's shape (the fields Linear's GraphQL types expose under these names), so
// the Linear double can serve them as they are and the local port can map them like a Linear reply.
export interface TeamRecord {
  id: string;
  key: string;
  name: string;
}

export interface UserRecord {
  id: string;
  name: string;
  displayName: string;
  email: string;
  active: boolean;
}

export interface StateRecord {
  id: string;
  name: string;
  type: string;
  position: number;
  team: TeamRecord;
}

export interface LabelRecord {
  id: string;
  name: string;
  team: TeamRecord | null;
}

export interface IssueRecord {
  id: string;
  identifier: string;
  number: number;
  title: string;
  description: string | null;
  url: string;
  priority: number;
  priorityLabel: string;
  createdAt: string;
  updatedAt: string;
  team: TeamRecord;
  state: StateRecord;
  assignee: UserRecord | null;
  labels: LabelRecord[];
}

export interface CommentRecord {
  id: string;
  body: string;
  url: string;
  createdAt: string;
  user: UserRecord | null;
  issue: { id: string; identifier: string };
}

const priorityLabels = ['No priority', 'Urgent', 'High', 'Medium', 'Low'] as const;

export function priorityLabel(priority: number): string {
  return priorityLabels[priority] ?? 'No priority';
}

/** Linear's issue URL: workspace, identifier, then a slug of the title (which Linear ignores when resolving). */
export function issueUrl(urlKey: string, identifier: string, title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `https://linear.app/${urlKey}/issue/${identifier}${slug === '' ? '' : `/${slug}`}`;
}

export function commentUrl(issueUrlValue: string, commentId: string): string {
  return `${issueUrlValue}#comment-${commentId.slice(0, 8)}`;
}
