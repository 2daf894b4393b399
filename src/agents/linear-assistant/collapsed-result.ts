// The one line each Linear Assistant result collapses to when its thread's context outgrows the budget: the
// issue it was about and the read that shows it again (a change is never named as something to repeat).
import type { EventOf } from '../../core/events.js';
import { isJsonObject, type Json, type JsonObject } from '../../core/json.js';

const text = (value: Json | undefined): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The identifier (`OPS-12`) of the issue a result holds under `key`, if it holds one. */
function identifierIn(result: Json, key: string): string | undefined {
  if (!isJsonObject(result)) return undefined;
  const issue = result[key];
  return isJsonObject(issue) ? text(issue.identifier) : undefined;
}

function identifiersUpdated(result: Json): string[] {
  if (!isJsonObject(result) || !Array.isArray(result.updated)) return [];
  return result.updated.flatMap((u) => {
    const id = isJsonObject(u) ? text(u.identifier) : undefined;
    return id === undefined ? [] : [id];
  });
}

function countOf(result: Json, key: string): number | undefined {
  if (!isJsonObject(result)) return undefined;
  const list = result[key];
  return Array.isArray(list) ? list.length : undefined;
}

const forTeam = (args: JsonObject): { about: string; call: string } => {
  const team = text(args.team_id);
  return team === undefined ? { about: '', call: '' } : { about: ` for team ${team}`, call: ` with team_id ${team}` };
};

function searchArgs(args: JsonObject): string {
  const parts = Object.entries(args).flatMap(([key, value]) => (value === null ? [] : [`${key} ${JSON.stringify(value)}`]));
  return parts.length === 0 ? '' : ` with ${parts.join(', ')}`;
}

export function collapsedResult(result: EventOf<'tool_succeeded'>, decided: EventOf<'step_decided'> | undefined): string {
  const { intent } = result.data;
  const args = decided?.data.args ?? {};
  const value = result.data.result;
  const issueArg = text(args.issue_id);
  switch (intent) {
    case 'get_issue':
    case 'get_issue_comments': {
      const id = issueArg ?? identifierIn(value, 'issue') ?? '?';
      return `${intent}_result for ${id} collapsed: call ${intent} with issue_id ${id} to see it again`;
    }
    case 'list_teams':
      return `list_teams_result collapsed: call list_teams to see it again`;
    case 'list_users':
    case 'list_workflow_states':
    case 'list_labels': {
      const team = forTeam(args);
      return `${intent}_result${team.about} collapsed: call ${intent}${team.call} to see it again`;
    }
    case 'search_issues': {
      const n = countOf(value, 'issues');
      return `search_issues_result${n === undefined ? '' : ` (${n} issues)`} collapsed: call search_issues${searchArgs(args)} to see it again`;
    }
    case 'create_issue': {
      const id = identifierIn(value, 'issue');
      return id === undefined
        ? 'create_issue_result collapsed: the issue was created; do not create it again'
        : `create_issue_result for ${id} collapsed: ${id} was created; call get_issue with issue_id ${id} to see it again`;
    }
    case 'update_issue': {
      const ids = identifiersUpdated(value);
      const list = ids.length > 0 ? ids.join(', ') : '?';
      return `update_issue_result for ${list} collapsed: the update was applied; call get_issue with issue_id ${ids[0] ?? '?'} to see an issue again`;
    }
    case 'add_comment': {
      const id = issueArg ?? '?';
      return `add_comment_result for ${id} collapsed: the comment was added; call get_issue_comments with issue_id ${id} to see it again`;
    }
    // An intent this agent does not know (a tool since removed): its call is named as it was made.
    default:
      return `${intent}_result collapsed: call ${intent}${searchArgs(args)} to see it again`;
  }
}
