// The threads the renderer tests render, with the seed's four context windows verbatim: shared by the full
// renderer's tests and the incremental one's, which must render every one of them byte for byte the same.
import type { ThreadEvent } from '../../src/core/events.js';
import type { RenderOptions } from '../../src/core/render.js';
import { call, decided, email, ev, thread } from './fixtures.js';

export const body = "Can you please create an issue for Austin to restock the fridges with drinks? It's getting empty.";
export const teams = {
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
export const seedOptions: RenderOptions = { resultTags: { create_issue: 'issue_create_result' } };

// The four context windows of the seed, verbatim.
export const example1 = `<email_received>
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

export const example2 = `${example1}\n\n${listTeams}`;

const createIssue = (teamId: string): string => `<create_issue>
    intent: "create_issue"
    issue:
      title: "Restock fridges with drinks"
      description: "The fridges are getting empty and need to be restocked with drinks."
      team_id: "${teamId}"
      assignee_id: "user-456"
</create_issue>`;

export const example3 = `${example1}

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

export const example4 = `<email_received>
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

export const issueArgs = (teamId: string) => ({
  issue: {
    title: 'Restock fridges with drinks',
    description: 'The fridges are getting empty and need to be restocked with drinks.',
    team_id: teamId,
    assignee_id: 'user-456',
  },
});

export const seedThread3 = thread(
  ev('message_received', email(body)),
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

export const seedThread1 = thread(ev('message_received', email(body)));

export const seedThread2 = thread(
  ev('message_received', email(body)),
  ev('step_decided', decided(1, 'list_teams')),
  ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: teams }),
);

export const seedThread4 = thread(
  ev('message_received', email('Can you create an issue for the new project?', 'Create issue for project')),
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

/** Example 3, then a human speaks: the error the later success resolved collapses. */
export const seedThread3Resumed = thread(...seedThread3.events.map((e) => ({ type: e.type, data: e.data })), ev('human_replied', { channel: 'email', message: 'thanks, also add a label' }));

export const unresolvedError = thread(
  ev('message_received', email(body)),
  ev('step_decided', decided(1, 'create_issue', issueArgs('wrong-id'))),
  ev('tool_failed', { callId: call(1), intent: 'create_issue', error: { kind: 'invalid_input', message: 'teamId must be a UUID.', retryable: false } }),
  ev('human_replied', { channel: 'email', message: 'use Operations' }),
);

const big = { rows: Array.from({ length: 500 }, (_, i) => ({ id: `row-${i}`, text: 'lorem ipsum dolor sit amet' })) };
export const oversizedResult = thread(ev('message_received', email(body)), ev('step_decided', decided(1, 'search_issues')), ev('tool_succeeded', { callId: call(1), intent: 'search_issues', result: big }));

export const hiddenReply = thread(ev('message_received', email(body)), ev('human_replied', { channel: 'sms', message: 'hi' }));
export const overrides: RenderOptions = {
  overrides: { message_received: (e) => ({ tag: 'request', body: e.data.text }), human_replied: () => null },
};

export const multilineEmail = thread(
  ev(
    'message_received',
    email('line one\nline two', undefined, {
      cc: [{ address: 'ops@company.com', name: 'Ops' }],
      attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', size: 10 }],
      previousThread: [{ from: 'sarah@company.com', body: 'earlier' }],
    }),
  ),
);

export const retried = thread(ev('message_received', email(body)), ev('model_failed', { reason: 'HTTP 401', retryable: false }), ev('retry_requested', { by: 'alex@company.com', channel: 'api' }));

export const png = { filename: 'screen.png', contentType: 'image/png', size: 48213 };
export const csv = { filename: 'rows.csv', contentType: 'text/csv', size: 24, text: 'id,amount\n1,100\n2,200' };
export const replyWithAttachments = thread(ev('human_replied', { channel: 'email', message: 'See attached', attachments: [png, csv] }));
export const repliesWithout = thread(ev('human_replied', { channel: 'email', message: 'Platform', attachments: [] }), ev('human_replied', { channel: 'api', message: 'Platform' }));
export const emailWithAttachments = thread(ev('message_received', email('Rows attached', undefined, { attachments: [png, csv] })));

/** Every thread the renderer tests render, with the options they render it with. */
export const renderScenarios: ReadonlyArray<{ name: string; events: readonly ThreadEvent[]; options: RenderOptions }> = [
  { name: 'seed example 1', events: seedThread1.events, options: {} },
  { name: 'seed example 2', events: seedThread2.events, options: seedOptions },
  { name: 'seed example 3', events: seedThread3.events, options: seedOptions },
  { name: 'seed example 4', events: seedThread4.events, options: {} },
  { name: 'example 3 resumed by a human (collapse)', events: seedThread3Resumed.events, options: seedOptions },
  { name: 'example 3 resumed, collapse off', events: seedThread3Resumed.events, options: { ...seedOptions, collapseResolvedErrors: false } },
  { name: 'an unresolved error', events: unresolvedError.events, options: {} },
  { name: 'an oversized result', events: oversizedResult.events, options: { maxResultTokens: 100 } },
  { name: 'overrides, a hidden event', events: hiddenReply.events, options: overrides },
  { name: 'a multi-line email with Cc and attachments', events: multilineEmail.events, options: {} },
  { name: 'a retry', events: retried.events, options: {} },
  { name: 'a reply with attachments', events: replyWithAttachments.events, options: {} },
  { name: 'replies without attachments', events: repliesWithout.events, options: {} },
  { name: 'an email with attachments', events: emailWithAttachments.events, options: {} },
];
