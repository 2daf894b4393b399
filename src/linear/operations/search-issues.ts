// searchIssues: full-text search, or the most recently updated issues, filtered by team, assignee and state.
import { z } from 'zod';
import type { IssueSearch, LinearIssueSummary, ReadOptions } from '../linear-port.js';
import { linearDocument, linearOperation } from '../operation.js';
import { requireResolved, searchLimit } from '../references.js';
import { issueFields, issueNode, issueNodeOf, nodes, searchResultFields, toIssueSummary } from '../selections.js';

const issuesDocument = linearDocument(
  'issues',
  /* GraphQL */ `
    query Issues($filter: IssueFilter, $first: Int!) {
      issues(filter: $filter, first: $first, orderBy: updatedAt) {
        nodes {
          ...IssueFields
        }
      }
    }
    ${issueFields}
  `,
  z.object({ issues: nodes(issueNode) }),
);

const searchIssuesDocument = linearDocument(
  'searchIssues',
  /* GraphQL */ `
    query SearchIssues($term: String!, $filter: IssueFilter, $first: Int!) {
      searchIssues(term: $term, filter: $filter, first: $first) {
        nodes {
          ...SearchResultFields
        }
      }
    }
    ${searchResultFields}
  `,
  z.object({ searchIssues: nodes(issueNode) }),
);

export const searchIssues = linearOperation<(search?: IssueSearch, options?: ReadOptions) => Promise<LinearIssueSummary[]>>({
  documents: [issuesDocument, searchIssuesDocument],
  remote:
    (api) =>
    async (search = {}, { signal } = {}) => {
      const filter: Record<string, unknown> = {};
      if (search.teamId !== undefined) {
        filter.team = { id: { eq: requireResolved('team', search.teamId, await api.resolveTeam(search.teamId, signal)) } };
      }
      if (search.assigneeId !== undefined) {
        filter.assignee = { id: { eq: requireResolved('user', search.assigneeId, await api.resolveUser(search.assigneeId, signal)) } };
      }
      if (search.stateName !== undefined) filter.state = { name: { eqIgnoreCase: search.stateName } };
      const first = searchLimit(search.limit);
      const term = search.query?.trim() ?? '';
      const found =
        term === ''
          ? (await api.request(issuesDocument, { filter, first }, signal)).issues.nodes
          : (await api.request(searchIssuesDocument, { term, filter, first }, signal)).searchIssues.nodes;
      return found.map(toIssueSummary);
    },
  local:
    ({ store, call, resolveTeam, resolveUser }) =>
    (search = {}, { signal } = {}) =>
      call(signal, () => {
        const teamId = search.teamId === undefined ? undefined : requireResolved('team', search.teamId, resolveTeam(search.teamId));
        const assigneeId =
          search.assigneeId === undefined ? undefined : requireResolved('user', search.assigneeId, resolveUser(search.assigneeId));
        const found = store.issues({ teamId, assigneeId, stateName: search.stateName, term: search.query, first: searchLimit(search.limit) });
        return found.map((issue) => toIssueSummary(issueNodeOf(issue)));
      }),
});
