import { describe, expect, it } from 'vitest';
import { renderContext, renderThread } from '../../src/core/render.js';
import { call, decided, email, ev, thread } from './fixtures.js';

const body = "Can you please create an issue for Austin to restock the fridges with drinks? It's getting empty.";
const teams = {
  data: {
    teams: {
      nodes: [
        {
          id: 'team-123',
          name: 'Operations',
          members: { nodes: [{ id: 'user-456', name: 'Austin' }, { id: 'user-789', name: 'Sarah' }] },
        },
      ],
    },
  },
};
const seedOptions = { resultTags: { create_issue: 'issue_create_result' } };

// The four context windows of the seed, verbatim.
const example1 = `<email_received>
    From: user@example.com
    To: linear-assistant@company.com
    Subject: Create issue for restocking
    Body: Can you please create an issue for Austin to restock the fridges with drinks? It's getting empty.
    Previous Thread: []
</email_received>`;

const listTeams = `<list_teams>
    intent: "list_teams"
</list_teams>

<list_teams_result>
    data:
      teams:
        nodes:
          - id: "team-123"
            name: "Operations"
            members:
              nodes:
                - id: "user-456"
                  name: "Austin"
                - id: "user-789"
                  name: "Sarah"
</list_teams_result>`;

const example2 = `${example1}\n\n${listTeams}`;

const createIssue = (teamId: string): string => `<create_issue>
    intent: "create_issue"
    issue:
      title: "Restock fridges with drinks"
      description: "The fridges are getting empty and need to be restocked with drinks."
      team_id: "${teamId}"
      assignee_id: "user-456"
</create_issue>`;

const example3 = `${example1}

${createIssue('wrong-id')}

<error>
    error running create_issue: Invalid team ID format
</error>

${listTeams}

${createIssue('team-123')}

<issue_create_result>
    data:
      issueCreate:
        success: true
        issue:
          id: "issue-001"
          title: "Restock fridges with drinks"
          url: "https://linear.app/company/issue/OPS-42"
</issue_create_result>`;

const example4 = `<email_received>
    From: user@example.com
    To: linear-assistant@company.com
    Subject: Create issue for project
    Body: Can you create an issue for the new project?
    Previous Thread: []
</email_received>

<request_more_information>
    intent: "request_more_information"
    message: "I'd be happy to create an issue for the new project. Could you please provide more details about what the issue should contain? For example, what's the title, description, and who should be assigned to it?"
</request_more_information>

<human_response>
    message: "The issue should be titled 'Set up new marketing project', assigned to Sarah, with description 'Initialize the new Q3 marketing campaign project with initial tasks and timeline'."
</human_response>

<list_users>
    intent: "list_users"
</list_users>

<list_users_result>
    data:
      users:
        nodes:
          - id: "user-789"
            name: "Sarah"
            email: "sarah@company.com"
          - id: "user-456"
            name: "Austin"
            email: "austin@company.com"
</list_users_result>`;

const issueArgs = (teamId: string) => ({
  issue: {
    title: 'Restock fridges with drinks',
    description: 'The fridges are getting empty and need to be restocked with drinks.',
    team_id: teamId,
    assignee_id: 'user-456',
  },
});

const seedThread3 = thread(
  ev('email_received', email(body)),
  ev('step_decided', decided(1, 'create_issue', issueArgs('wrong-id'))),
  ev('tool_failed', { callId: call(1), intent: 'create_issue', error: { kind: 'invalid_input', message: 'Invalid team ID format', retryable: false } }),
  ev('step_decided', decided(2, 'list_teams')),
  ev('tool_succeeded', { callId: call(2), intent: 'list_teams', result: teams }),
  ev('step_decided', decided(3, 'create_issue', issueArgs('team-123'))),
  ev('tool_succeeded', {
    callId: call(3),
    intent: 'create_issue',
    result: { data: { issueCreate: { success: true, issue: { id: 'issue-001', title: 'Restock fridges with drinks', url: 'https://linear.app/company/issue/OPS-42' } } } },
  }),
);

describe('renderer: the seed context windows', () => {
  it('example 1: initial email', () => {
    expect(renderThread(thread(ev('email_received', email(body))).events).text).toBe(example1);
  });

  it('example 2: after listing teams', () => {
    const t = thread(
      ev('email_received', email(body)),
      ev('step_decided', decided(1, 'list_teams')),
      ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: teams }),
    );
    expect(renderThread(t.events, seedOptions).text).toBe(example2);
  });

  it('example 3: after error and recovery', () => {
    expect(renderThread(seedThread3.events, seedOptions).text).toBe(example3);
  });

  it('example 4: human interaction', () => {
    const t = thread(
      ev('email_received', email('Can you create an issue for the new project?', 'Create issue for project')),
      ev('step_decided', decided(1, 'request_more_information', {
        message:
          "I'd be happy to create an issue for the new project. Could you please provide more details about what the issue should contain? For example, what's the title, description, and who should be assigned to it?",
      })),
      ev('message_sent', { channel: 'email', to: ['user@example.com'], inResponseTo: 'evt_g2' as never, messageId: '<r1@company.com>' }),
      ev('human_replied', {
        channel: 'email',
        from: 'user@example.com',
        message:
          "The issue should be titled 'Set up new marketing project', assigned to Sarah, with description 'Initialize the new Q3 marketing campaign project with initial tasks and timeline'.",
      }),
      ev('step_decided', decided(2, 'list_users')),
      ev('tool_succeeded', {
        callId: call(2),
        intent: 'list_users',
        result: { data: { users: { nodes: [{ id: 'user-789', name: 'Sarah', email: 'sarah@company.com' }, { id: 'user-456', name: 'Austin', email: 'austin@company.com' }] } } },
      }),
    );
    expect(renderThread(t.events).text).toBe(example4);
  });
});

describe('renderer: properties', () => {
  it('is append-only: each step’s context is a byte prefix of the next within a run', () => {
    const events = seedThread3.events;
    for (let n = 1; n < events.length; n++) {
      const before = renderThread(events.slice(0, n), seedOptions).text;
      const after = renderThread(events.slice(0, n + 1), seedOptions).text;
      expect(after.startsWith(before)).toBe(true);
    }
  });

  it('is deterministic', () => {
    expect(renderThread(seedThread3.events, seedOptions)).toEqual(renderThread(seedThread3.events, seedOptions));
  });

  it('collapses an error resolved by a later success once a human has spoken after it', () => {
    const resumed = thread(...seedThread3.events.map((e) => ({ type: e.type, data: e.data })), ev('human_replied', { channel: 'email', message: 'thanks, also add a label' }));
    const text = renderThread(resumed.events, seedOptions).text;
    expect(text).toContain('<error>\n    error running create_issue (resolved later): invalid_input\n</error>');
    expect(text).not.toContain('Invalid team ID format');
    expect(renderThread(resumed.events, { ...seedOptions, collapseResolvedErrors: false }).text).toContain('Invalid team ID format');
  });

  it('keeps an unresolved error in full', () => {
    const t = thread(
      ev('email_received', email(body)),
      ev('step_decided', decided(1, 'create_issue', issueArgs('wrong-id'))),
      ev('tool_failed', { callId: call(1), intent: 'create_issue', error: { kind: 'invalid_input', message: 'teamId must be a UUID.', retryable: false } }),
      ev('human_replied', { channel: 'email', message: 'use Operations' }),
    );
    expect(renderThread(t.events).text).toContain('error running create_issue: teamId must be a UUID.');
  });

  it('truncates an oversized result to the budget with a visible marker', () => {
    const big = { rows: Array.from({ length: 500 }, (_, i) => ({ id: `row-${i}`, text: 'lorem ipsum dolor sit amet' })) };
    const t = thread(ev('email_received', email(body)), ev('step_decided', decided(1, 'search_issues')), ev('tool_succeeded', { callId: call(1), intent: 'search_issues', result: big }));
    const rendered = renderThread(t.events, { maxResultTokens: 100 });
    const part = rendered.parts.at(-1);
    expect(part?.text).toMatch(/… \[truncated: \d+ of \d+ tokens omitted\]/);
    expect(part?.tokens).toBeLessThan(140);
    expect(part?.text.endsWith('</search_issues_result>')).toBe(true);
  });

  it('applies per-type overrides and can hide an event', () => {
    const t = thread(ev('email_received', email(body)), ev('human_replied', { channel: 'sms', message: 'hi' }));
    const text = renderThread(t.events, {
      overrides: { email_received: (e) => ({ tag: 'request', body: e.data.body }), human_replied: () => null },
    }).text;
    expect(text).toBe(`<request>\n    ${body}\n</request>`);
  });

  it('counts tokens per event and in total with a real tokenizer', () => {
    const rendered = renderThread(seedThread3.events, seedOptions);
    expect(rendered.parts).toHaveLength(7);
    for (const part of rendered.parts) expect(part.tokens).toBeGreaterThan(5);
    const sum = rendered.parts.reduce((n, p) => n + p.tokens, 0);
    expect(Math.abs(rendered.tokens - sum)).toBeLessThan(rendered.parts.length * 3);
  });

  it('renders multi-line email bodies, Cc and attachments inside the tag', () => {
    const data = { ...email('line one\nline two'), cc: [{ address: 'ops@company.com', name: 'Ops' }], attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', size: 10 }], previousThread: [{ from: 'sarah@company.com', body: 'earlier' }] };
    const text = renderThread(thread(ev('email_received', data)).events).text;
    expect(text).toContain('Body: line one\n        line two');
    expect(text).toContain('Cc: Ops <ops@company.com>');
    expect(text).toContain('Attachments: a.pdf (application/pdf, 10 bytes)');
    expect(text).toContain('Previous Thread:\n        - from: "sarah@company.com"\n          body: "earlier"');
  });
});

describe('renderContext', () => {
  it('is the same text as renderThread, without counting tokens', () => {
    expect(renderContext(seedThread3.events, seedOptions)).toBe(renderThread(seedThread3.events, seedOptions).text);
  });
});

describe('a human’s retry', () => {
  it('#9.5: renders as a short tag, so the model knows a human asked to try again', () => {
    const t = thread(ev('email_received', email(body)), ev('model_failed', { reason: 'HTTP 401', retryable: false }), ev('retry_requested', { by: 'alex@company.com', channel: 'api' }));
    expect(renderContext(t.events)).toBe(`${example1}\n\n<retry_requested>\n    by: "alex@company.com"\n    message: "try again"\n</retry_requested>`);
  });
});
