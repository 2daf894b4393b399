// Every Linear operation, one line each: the table both LinearPorts are built from, and the port's type is read off.
// A new operation is its file in ./operations/ and a line here.
import { lookupDocuments } from './lookups.js';
import type { LinearDocument, LinearOperation, PortMethod } from './operation.js';
import { addComment } from './operations/add-comment.js';
import { createIssue } from './operations/create-issue.js';
import { getIssue } from './operations/get-issue.js';
import { getIssueComments } from './operations/get-issue-comments.js';
import { listLabels } from './operations/list-labels.js';
import { listTeams } from './operations/list-teams.js';
import { listUsers } from './operations/list-users.js';
import { listWorkflowStates } from './operations/list-workflow-states.js';
import { searchIssues } from './operations/search-issues.js';
import { updateIssue } from './operations/update-issue.js';

export const linearOperations = {
  listTeams,
  listUsers,
  listWorkflowStates,
  listLabels,
  searchIssues,
  getIssue,
  getIssueComments,
  createIssue,
  updateIssue,
  addComment,
};

type Operations = typeof linearOperations;

export type OperationPort = { [K in keyof Operations]: Operations[K] extends LinearOperation<infer M> ? M : never };

/** A port with each operation bound the same way (to Linear's API, or to the local workspace). */
export function bindOperations(bind: (operation: LinearOperation<PortMethod>) => PortMethod): OperationPort {
  const entries = Object.entries(linearOperations).map(([name, operation]) => [name, bind(operation)]);
  // Each method is bound from the operation of the same name, so it has that operation's type: the table's own pairing.
  return Object.fromEntries(entries) as OperationPort;
}

/** Every document either port's operations send, for the check against Linear's schema. */
export const allDocuments: readonly LinearDocument<unknown>[] = [
  ...lookupDocuments,
  ...Object.values(linearOperations).flatMap((operation) => operation.documents),
];
