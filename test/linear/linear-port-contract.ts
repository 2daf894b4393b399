// What every LinearPort does, run against the local workspace and against the SDK adapter talking to the Linear
// double: reads, name resolution, creates with idempotency keys, updates, comments, and Linear's refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinearPort } from '../../src/linear/linear-port.js';
import { failure, seed, seededTeam, seededUser, type PortUnderTest } from './fixtures.js';

function seededIssueId(identifier: string): string {
  const [team, number] = identifier.split('-');
  const issue = seed.issues.find((i) => i.team === team && String(i.number) === number);
  if (issue === undefined) throw new Error(`no issue ${identifier} in the seed`);
  return issue.id;
}

export function linearPortContract(name: string, open: () => Promise<PortUnderTest>): void {
  describe(`LinearPort contract: ${name}`, () => {
    let subject: PortUnderTest;
    let linear: LinearPort;

    beforeEach(async () => {
      subject = await open();
      linear = subject.port;
    });

    afterEach(async () => {
      await subject.close();
    });

    const key = (() => {
      let n = 0;
      return (): { idempotencyKey: string } => ({ idempotencyKey: `call_${++n}` });
    })();

    describe('reads', () => {
      it('lists teams with their active members', async () => {
        const teams = await linear.listTeams();
        expect(teams.map((t) => t.key)).toEqual(['ENG', 'MKT', 'OPS']);
        const ops = teams.find((t) => t.key === 'OPS');
        expect(ops).toMatchObject({ id: seededTeam('OPS').id, name: 'Operations' });
        expect(ops?.members).toContainEqual({ id: seededUser('austin@company.com').id, name: 'Austin Rivera', email: 'austin@company.com' });
        expect(ops?.members.map((m) => m.name)).toContain('Sarah Chen');
        expect(teams.find((t) => t.key === 'ENG')?.members.map((m) => m.email)).not.toContain('dana@company.com');
      });

      it('lists active users with emails', async () => {
        const users = await linear.listUsers();
        expect(users).toContainEqual({ id: seededUser('sarah@company.com').id, name: 'Sarah Chen', displayName: 'sarah', email: 'sarah@company.com' });
        expect(users.map((u) => u.email)).not.toContain('dana@company.com');
      });

      it("lists a team's members by UUID, key (any case) or name", async () => {
        const byId = await linear.listUsers({ teamId: seededTeam('OPS').id });
        expect(byId.map((u) => u.name)).toEqual(['Alex Morgan', 'Austin Rivera', 'Linear Assistant', 'Sarah Chen']);
        expect(await linear.listUsers({ teamId: 'OPS' })).toEqual(byId);
        expect(await linear.listUsers({ teamId: 'ops' })).toEqual(byId);
        expect(await linear.listUsers({ teamId: 'Operations' })).toEqual(byId);
      });

      it('passes an unknown team on to Linear, which does not find it', async () => {
        expect(await failure(linear.listUsers({ teamId: 'Facilities' }))).toEqual({
          kind: 'not_found',
          message: 'not found: Could not find referenced Team.',
          retryable: false,
        });
      });

      it("lists a team's workflow states in board order, and all teams' states", async () => {
        const eng = await linear.listWorkflowStates({ teamId: 'ENG' });
        expect(eng.map((s) => `${s.name}:${s.type}`)).toEqual([
          'Backlog:backlog',
          'Todo:unstarted',
          'In Progress:started',
          'In Review:started',
          'Done:completed',
          'Canceled:canceled',
        ]);
        expect(eng.every((s) => s.team.key === 'ENG' && s.team.id === seededTeam('ENG').id)).toBe(true);
        const all = await linear.listWorkflowStates();
        expect(all).toHaveLength(16);
        expect(all.filter((s) => s.team.key === 'ENG')).toEqual(eng);
      });

      it("lists a team's labels with the workspace-wide ones, and all labels", async () => {
        const ops = await linear.listLabels({ teamId: 'OPS' });
        expect(ops.filter((l) => l.team !== null).map((l) => l.name)).toEqual(['Facilities', 'IT', 'Maintenance', 'Supplies']);
        expect(ops.filter((l) => l.team === null).map((l) => l.name)).toEqual(['Bug', 'Feature', 'Improvement']);
        const all = await linear.listLabels();
        expect(all).toHaveLength(12);
        expect(all.find((l) => l.name === 'Backend')?.team).toEqual({ id: seededTeam('ENG').id, key: 'ENG' });
      });

      it('searches issues by words', async () => {
        const found = await linear.searchIssues({ query: 'fridge' });
        expect(found.map((i) => i.identifier)).toEqual(['OPS-37']);
        expect(found[0]).toMatchObject({
          title: 'Clean out the kitchen fridges before the holiday break',
          state: { name: 'Done', type: 'completed' },
          assignee: { name: 'Austin Rivera', email: 'austin@company.com' },
          labels: ['Facilities'],
          priority: 4,
          priorityLabel: 'Low',
          url: 'https://linear.app/company/issue/OPS-37/clean-out-the-kitchen-fridges-before-the-holiday-break',
        });
        expect((await linear.searchIssues({ query: 'OPS-40' }))[0]?.identifier).toBe('OPS-40');
      });

      it('filters by team, state name and assignee, most recently updated first', async () => {
        const todo = await linear.searchIssues({ teamId: 'OPS', stateName: 'todo' });
        expect(todo.map((i) => i.identifier)).toEqual(['OPS-41', 'OPS-39']);
        const sarah = await linear.searchIssues({ assigneeId: 'sarah@company.com' });
        expect(sarah.map((i) => i.identifier)).toEqual(['MKT-15', 'OPS-40']);
        expect(await linear.searchIssues({ assigneeId: 'Sarah Chen' })).toEqual(sarah);
        expect(await linear.searchIssues({ limit: 3 })).toHaveLength(3);
      });

      it('refuses a search for a team or person that does not exist', async () => {
        expect(await failure(linear.searchIssues({ teamId: 'Facilities' }))).toEqual({
          kind: 'invalid_input',
          message: 'invalid input: no team matches "Facilities"; list_teams shows the teams.',
          retryable: false,
        });
        expect((await failure(linear.searchIssues({ assigneeId: 'nobody@company.com' }))).kind).toBe('invalid_input');
      });

      it('gets an issue by identifier or UUID, with its comments oldest first', async () => {
        const issue = await linear.getIssue('OPS-40');
        expect(issue).toMatchObject({
          identifier: 'OPS-40',
          title: 'Schedule the quarterly HVAC maintenance',
          description: expect.stringContaining('CoolAir Services'),
          state: { name: 'In Progress' },
          team: { key: 'OPS' },
          priorityLabel: 'High',
          labels: ['Maintenance'],
        });
        expect(issue.comments.map((c) => c.author)).toEqual(['Sarah Chen', 'Alex Morgan']);
        expect(issue.comments[1]?.body).toBe('Thursday works better, the board meeting is on Tuesday.');
        expect(await linear.getIssue(issue.id)).toEqual(issue);
      });

      it("reads an issue's comments, the latest `limit` of them oldest first, by identifier or UUID", async () => {
        const all = await linear.getIssueComments('OPS-40');
        expect(all.issue).toEqual({ id: seededIssueId('OPS-40'), identifier: 'OPS-40' });
        expect(all.comments.map((c) => c.author)).toEqual(['Sarah Chen', 'Alex Morgan']);
        expect(all.comments[0]).toMatchObject({
          body: 'CoolAir offered Tuesday 17th or Thursday 19th, 8:00. Waiting on security for the badges.',
          createdAt: '2026-02-11T13:02:00.000Z',
          url: expect.stringMatching(/^https:\/\/linear\.app\/company\/issue\/OPS-40\/.+#comment-24027141$/),
        });
        expect(all.comments).toEqual((await linear.getIssue('OPS-40')).comments);
        expect((await linear.getIssueComments('OPS-40', { limit: 1 })).comments.map((c) => c.author)).toEqual(['Alex Morgan']);
        expect(await linear.getIssueComments(seededIssueId('OPS-40'))).toEqual(all);
        expect((await linear.getIssueComments('OPS-38')).comments).toEqual([]);
      });

      it('reads more of a long conversation than getIssue shows', async () => {
        for (let n = 1; n <= 23; n++) await linear.addComment('OPS-39', `update ${n}`, key());
        expect((await linear.getIssue('OPS-39')).comments).toHaveLength(20);
        expect((await linear.getIssueComments('OPS-39')).comments).toHaveLength(23);
        expect((await linear.getIssueComments('OPS-39', { limit: 500 })).comments).toHaveLength(23);
        expect((await linear.getIssueComments('OPS-39', { limit: 21 })).comments).toHaveLength(21);
      });

      it('answers not_found for the comments of an issue that does not exist', async () => {
        expect(await failure(linear.getIssueComments('OPS-999'))).toEqual({
          kind: 'not_found',
          message: 'not found: Could not find referenced Issue.',
          retryable: false,
        });
      });

      it('answers not_found for an issue that does not exist', async () => {
        const missing = { kind: 'not_found', message: 'not found: Could not find referenced Issue.', retryable: false };
        expect(await failure(linear.getIssue('OPS-999'))).toEqual(missing);
        expect(await failure(linear.getIssue('0b6a4a8e-5a2f-4c7e-9d51-3c2f1b7a9e10'))).toEqual(missing);
        expect(await failure(linear.getIssue('the fridge issue'))).toEqual(missing);
      });
    });

    describe('createIssue', () => {
      it('resolves team key, assignee name, state and label names', async () => {
        const issue = await linear.createIssue(
          {
            title: 'Restock fridges with drinks',
            description: 'The fridges are getting empty and need to be restocked with drinks.',
            teamId: 'OPS',
            assigneeId: 'Austin',
            stateId: 'In Progress',
            priority: 2,
            labelIds: ['Supplies', 'Improvement'],
          },
          key(),
        );
        expect(issue).toMatchObject({
          identifier: 'OPS-42',
          title: 'Restock fridges with drinks',
          description: 'The fridges are getting empty and need to be restocked with drinks.',
          url: 'https://linear.app/company/issue/OPS-42/restock-fridges-with-drinks',
          team: { id: seededTeam('OPS').id, key: 'OPS' },
          state: { name: 'In Progress', type: 'started' },
          assignee: { id: seededUser('austin@company.com').id, name: 'Austin Rivera', email: 'austin@company.com' },
          priority: 2,
          priorityLabel: 'High',
          labels: ['Improvement', 'Supplies'],
        });
        expect(await linear.getIssue('OPS-42')).toMatchObject({ id: issue.id, comments: [] });
      });

      it("lands in the team's default state and numbers issues per team", async () => {
        const ops = await linear.createIssue({ title: 'Restock fridges with drinks', teamId: 'Operations' }, key());
        const eng = await linear.createIssue({ title: 'Flaky login test', teamId: seededTeam('ENG').id }, key());
        expect(ops).toMatchObject({ identifier: 'OPS-42', state: { name: 'Todo' }, assignee: null, labels: [], priority: 0 });
        expect(eng).toMatchObject({ identifier: 'ENG-122', state: { name: 'Backlog' } });
        expect((await linear.createIssue({ title: 'Order more oat milk', teamId: 'OPS' }, key())).identifier).toBe('OPS-43');
      });

      it('creates once per idempotency key', async () => {
        const once = { idempotencyKey: 'step_restock' };
        const first = await linear.createIssue({ title: 'Restock fridges with drinks', teamId: 'OPS' }, once);
        const again = await linear.createIssue({ title: 'Restock fridges with drinks', teamId: 'OPS' }, once);
        expect(again).toEqual(first);
        expect(subject.store.count('issues')).toBe(13);
        expect((await linear.createIssue({ title: 'Next', teamId: 'OPS' }, key())).identifier).toBe('OPS-43');
      });

      it("passes a malformed team id to Linear and returns Linear's words", async () => {
        const refused = await failure(linear.createIssue({ title: 'Restock fridges', teamId: 'team_supply_maintenance' }, key()));
        expect(refused).toEqual({ kind: 'invalid_input', message: 'invalid input: teamId must be a UUID.', retryable: false });
        expect(subject.store.count('issues')).toBe(12);
      });

      it('answers not_found for a team UUID that names no team', async () => {
        expect(await failure(linear.createIssue({ title: 'x', teamId: '9d3f0c55-0a4e-4c1b-8a1e-2f6f3b0d7c11' }, key()))).toEqual({
          kind: 'not_found',
          message: 'not found: Could not find referenced Team.',
          retryable: false,
        });
      });

      it("refuses states, people and priorities Linear would refuse", async () => {
        const opsTeam = { title: 'x', teamId: 'OPS' };
        // OPS has no "In Review": the name passes through and Linear rejects it.
        expect((await failure(linear.createIssue({ ...opsTeam, stateId: 'In Review' }, key()))).message).toBe(
          'invalid input: stateId must be a UUID.',
        );
        const engReview = seededTeam('ENG').states.find((s) => s.name === 'In Review')?.id;
        expect((await failure(linear.createIssue({ ...opsTeam, stateId: engReview }, key()))).message).toBe(
          "invalid input: stateId must be a workflow state of the issue's team.",
        );
        expect((await failure(linear.createIssue({ ...opsTeam, assigneeId: 'nobody@company.com' }, key()))).message).toBe(
          'invalid input: assigneeId must be a UUID.',
        );
        expect((await failure(linear.createIssue({ ...opsTeam, priority: 7 }, key()))).message).toBe(
          'invalid input: priority must not be greater than 4.',
        );
        expect((await failure(linear.createIssue({ ...opsTeam, labelIds: ['Backend'] }, key()))).kind).toBe('invalid_input');
        expect(subject.store.count('issues')).toBe(12);
      });
    });

    describe('updateIssue', () => {
      it('changes state, assignee, priority and labels by name', async () => {
        const updated = await linear.updateIssue(
          'OPS-40',
          { stateId: 'Done', assigneeId: 'Austin Rivera', priority: 1, labelIds: ['Maintenance', 'Improvement'] },
          key(),
        );
        expect(updated).toMatchObject({
          identifier: 'OPS-40',
          state: { name: 'Done', type: 'completed' },
          assignee: { name: 'Austin Rivera' },
          priority: 1,
          priorityLabel: 'Urgent',
          labels: ['Improvement', 'Maintenance'],
          title: 'Schedule the quarterly HVAC maintenance',
        });
        expect(await linear.getIssue('OPS-40')).toMatchObject({ state: { name: 'Done' }, assignee: { name: 'Austin Rivera' } });
      });

      it('edits title and description, and unassigns with null', async () => {
        const issue = await linear.updateIssue('ENG-121', { title: 'Rotate staging DB credentials', description: 'Done by Friday.', assigneeId: null }, key());
        expect(issue).toMatchObject({ title: 'Rotate staging DB credentials', description: 'Done by Friday.', assignee: null });
      });

      it('answers not_found for an issue that does not exist', async () => {
        expect((await failure(linear.updateIssue('OPS-999', { title: 'x' }, key()))).kind).toBe('not_found');
        expect((await failure(linear.updateIssue('OPS-999', { stateId: 'Done' }, key()))).kind).toBe('not_found');
      });
    });

    describe('addComment', () => {
      it('comments once per idempotency key, as the API key user', async () => {
        const once = { idempotencyKey: 'step_comment' };
        const comment = await linear.addComment('OPS-39', 'Ordered, arriving Thursday.', once);
        expect(comment).toMatchObject({
          body: 'Ordered, arriving Thursday.',
          author: 'Linear Assistant',
          issue: { identifier: 'OPS-39' },
          url: expect.stringMatching(/^https:\/\/linear\.app\/company\/issue\/OPS-39\/.+#comment-/),
        });
        expect(await linear.addComment('OPS-39', 'Ordered, arriving Thursday.', once)).toEqual(comment);
        await linear.addComment('OPS-39', 'Delivered.', key());
        expect((await linear.getIssue('OPS-39')).comments.map((c) => c.body)).toEqual(['Ordered, arriving Thursday.', 'Delivered.']);
      });

      it('answers not_found for an issue that does not exist', async () => {
        expect(await failure(linear.addComment('OPS-999', 'hello', key()))).toEqual({
          kind: 'not_found',
          message: 'not found: Could not find referenced Issue.',
          retryable: false,
        });
        expect(subject.store.count('comments')).toBe(4);
      });
    });
  });
}
