// #11.1: the lean profile — the seed's tags and layout, with YAML quoted only where it must be, no `intent:` line
// under a step's own tag, results through the agent's views (the stored event untouched) and an approval request
// that names its step instead of repeating the operation.
import { describe, expect, it } from 'vitest';
import { renderContext, renderThread, withChannels } from './channel-render.js';
import { renderContext as coreRenderContext } from '../../src/core/render.js';
import { call, decided, email, ev, thread } from './fixtures.js';
import { seedOptions, seedThread3 } from './render-scenarios.js';
import type { Json } from '../../src/core/json.js';

const lean = { ...seedOptions, profile: 'lean' as const };

describe('#11.1: the lean render profile', () => {
  it('#11.1: renders the seed’s third window with the same tags and facts, quoting nothing that needs no quotes, without an empty previous thread', () => {
    expect(renderContext(seedThread3.events, lean)).toBe(`<email_received>
    From: user@example.com
    To: linear-assistant@company.com
    Subject: Create issue for restocking
    Body: Can you please create an issue for Austin to restock the fridges with drinks? It's getting empty.
</email_received>

<create_issue>
    issue:
      title: Restock fridges with drinks
      description: The fridges are getting empty and need to be restocked with drinks.
      team_id: wrong-id
      assignee_id: user-456
</create_issue>

<error>
    error running create_issue: Invalid team ID format
</error>

<list_teams>
    {}
</list_teams>

<list_teams_result>
    data:
      teams:
        nodes:
          - id: team-123
            name: Operations
            members:
              nodes:
                - id: user-456
                  name: Austin
                - id: user-789
                  name: Sarah
</list_teams_result>

<create_issue>
    issue:
      title: Restock fridges with drinks
      description: The fridges are getting empty and need to be restocked with drinks.
      team_id: team-123
      assignee_id: user-456
</create_issue>

<issue_create_result>
    data:
      issueCreate:
        success: true
        issue:
          id: issue-001
          title: Restock fridges with drinks
          url: https://linear.app/company/issue/OPS-42
</issue_create_result>`);
  });

  it('#11.1: is the default profile, and costs fewer tokens than the seed profile for the same thread', () => {
    // The test helper defaults to the seed's profile; the core's own default, with no profile given, is lean.
    expect(coreRenderContext(seedThread3.events, withChannels({ ...seedOptions, profile: undefined }))).toBe(renderContext(seedThread3.events, lean));
    expect(renderThread(seedThread3.events, lean).tokens).toBeLessThan(renderThread(seedThread3.events, seedOptions).tokens);
  });

  it('#11.1: an approval request names its step and policy, without repeating the operation the step already shows', () => {
    const t = thread(
      ev('message_received', email('File it')),
      ev('step_decided', decided(1, 'create_issue', { issue: { title: 'Restock', team_id: 'team-123' } })),
      ev('approval_requested', { callId: call(1), intent: 'create_issue', summary: 'create_issue: {"issue":{"title":"Restock","team_id":"team-123"}}', policy: 'approval required for create_issue' }),
    );
    const text = renderContext(t.events, lean);
    expect(text.endsWith('<approval_requested>\n    step: create_issue\n    policy: approval required for create_issue\n</approval_requested>')).toBe(true);
    expect(text.split('team-123').length - 1).toBe(1);
    expect(renderContext(t.events, seedOptions)).toContain('operation: "create_issue: {\\"issue\\"');
  });

  it('#11.1: a result renders through its intent’s view, which sees the step’s arguments; the stored event keeps all of it', () => {
    const result: Json = { issues: [{ identifier: 'OPS-1', __typename: 'Issue', updatedAt: '2025-01-01T00:00:00Z' }] };
    const t = thread(
      ev('message_received', email('Find it')),
      ev('step_decided', decided(1, 'search_issues', { query: 'fridge' })),
      ev('tool_succeeded', { callId: call(1), intent: 'search_issues', result }),
    );
    const results = {
      search_issues: (r: Json, args: Record<string, Json>) => ({ query: args.query ?? null, found: Array.isArray((r as { issues?: Json }).issues) ? ((r as { issues: Json[] }).issues.length) : 0 }),
    };
    const text = renderContext(t.events, { ...lean, results });
    expect(text.endsWith('<search_issues_result>\n    query: fridge\n    found: 1\n</search_issues_result>')).toBe(true);
    expect(t.events.at(-1)?.data).toEqual({ callId: call(1), intent: 'search_issues', result });
    // The seed profile ignores views: it renders the result whole.
    expect(renderContext(t.events, { ...seedOptions, results })).toContain('__typename: "Issue"');
  });
});
