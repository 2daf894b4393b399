// The local workspace's own concerns: seeding (once, into an empty database, all or nothing), persistence in a file,
// and the resolution rules the contract suite does not reach with the repository's seed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HardwayError } from '../../src/core/errors.js';
import { createLocalWorkspace } from '../../src/linear/local-workspace/local-workspace.js';
import type { WorkspaceSeed } from '../../src/linear/local-workspace/seed.js';
import { failure, seed, seedFile } from './fixtures.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hardway-linear-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeSeed(content: unknown): string {
  const path = join(dir, `seed-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('local workspace: seeding', () => {
  it("loads the repository's seed", () => {
    const workspace = createLocalWorkspace({ file: ':memory:', seedFile });
    const { store } = workspace;
    expect(workspace.seeded).toBe(true);
    const tables = ['teams', 'users', 'workflow_states', 'labels', 'issues', 'comments'] as const;
    expect(tables.map((t) => [t, store.count(t)])).toEqual([
      ['teams', 3],
      ['users', 8],
      ['workflow_states', 16],
      ['labels', 12],
      ['issues', 12],
      ['comments', 4],
    ]);
    expect(store.meta('url_key')).toBe('company');
    expect(store.issue('OPS-41')).toMatchObject({ priorityLabel: 'Urgent', labels: [{ name: 'Bug' }, { name: 'Facilities' }] });
    workspace.close();
  });

  it('loads the seed only into an empty database, and keeps what was written across opens', async () => {
    const file = join(dir, 'workspace.db');
    const first = createLocalWorkspace({ file, seedFile });
    const created = await first.createIssue({ title: 'Restock fridges with drinks', teamId: 'OPS' }, { idempotencyKey: 'k1' });
    expect(created.identifier).toBe('OPS-42');
    first.close();

    const second = createLocalWorkspace({ file, seedFile });
    expect(second.seeded).toBe(false);
    expect(second.store.count('issues')).toBe(13);
    expect(await second.getIssue('OPS-42')).toMatchObject({ id: created.id });
    expect((await second.createIssue({ title: 'Order oat milk', teamId: 'OPS' }, { idempotencyKey: 'k2' })).identifier).toBe('OPS-43');
    expect((await second.createIssue({ title: 'Restock fridges with drinks', teamId: 'OPS' }, { idempotencyKey: 'k1' })).id).toBe(created.id);
    second.close();
  });

  it('refuses a seed with a broken reference and leaves the database empty', () => {
    const broken = structuredClone(seed);
    const issue = broken.issues[0];
    if (issue === undefined) throw new Error('the seed has issues');
    issue.assignee = 'nobody@company.com';
    const file = join(dir, 'workspace.db');
    expect(() => createLocalWorkspace({ file, seedFile: writeSeed(broken) })).toThrow(
      /workspace seed: issues\[0\]\.assignee: no user has the email nobody@company\.com/,
    );
    const empty = createLocalWorkspace({ file });
    expect(empty.store.count('teams')).toBe(0);
    empty.close();
  });

  it('refuses a seed that does not match the schema, naming the field', () => {
    const path = writeSeed({ ...seed, teams: [{ ...seed.teams[0], key: 'ops' }] });
    let thrown: unknown;
    try {
      createLocalWorkspace({ file: ':memory:', seedFile: path });
    } catch (error) {
      thrown = error;
    }
    expect(HardwayError.isInstance(thrown, 'config')).toBe(true);
    expect(String(thrown)).toMatch(/teams\.0\.key: must be 1–7 capitals or digits/);
  });

  it('opens without a seed as an empty workspace', async () => {
    const workspace = createLocalWorkspace({ file: ':memory:' });
    expect(workspace.seeded).toBe(false);
    expect(await workspace.listTeams()).toEqual([]);
    expect((await failure(workspace.createIssue({ title: 'x', teamId: 'OPS' }, { idempotencyKey: 'k' }))).message).toBe(
      'invalid input: teamId must be a UUID.',
    );
    workspace.close();
  });
});

describe('local workspace: resolution edge cases', () => {
  const small: WorkspaceSeed = {
    organization: { name: 'Tiny', urlKey: 'tiny' },
    viewer: 'bot@tiny.test',
    createdAt: '2025-01-01T00:00:00.000Z',
    users: [
      { id: '11111111-1111-4111-8111-111111111111', name: 'Sam Lee', displayName: 'sam', email: 'sam.lee@tiny.test', active: true },
      { id: '22222222-2222-4222-8222-222222222222', name: 'Sam Ortiz', displayName: 'sam', email: 'sam.ortiz@tiny.test', active: true },
      { id: '33333333-3333-4333-8333-333333333333', name: 'Bot', displayName: 'bot', email: 'bot@tiny.test', active: true },
    ],
    labels: [{ id: '44444444-4444-4444-8444-444444444444', name: 'Bug', color: '#eb5757' }],
    teams: [
      {
        id: '55555555-5555-4555-8555-555555555555',
        key: 'CORE',
        name: 'Core',
        members: ['sam.lee@tiny.test', 'sam.ortiz@tiny.test'],
        states: [{ id: '66666666-6666-4666-8666-666666666666', name: 'Todo', type: 'unstarted' }],
        labels: [{ id: '77777777-7777-4777-8777-777777777777', name: 'Bug', color: '#000000' }],
      },
    ],
    issues: [],
  };

  it('refuses an assignee name that matches several people', async () => {
    const workspace = createLocalWorkspace({ file: ':memory:', seedFile: writeSeed(small) });
    const refused = await failure(workspace.createIssue({ title: 'x', teamId: 'CORE', assigneeId: 'sam' }, { idempotencyKey: 'k' }));
    expect(refused.kind).toBe('invalid_input');
    expect(refused.message).toContain('user "sam" matches 2 (sam.lee@tiny.test');
    const byEmail = await workspace.createIssue({ title: 'x', teamId: 'CORE', assigneeId: 'SAM.ORTIZ@tiny.test' }, { idempotencyKey: 'k' });
    expect(byEmail.assignee?.name).toBe('Sam Ortiz');
    workspace.close();
  });

  it("prefers the team's label over a workspace label of the same name", async () => {
    const workspace = createLocalWorkspace({ file: ':memory:', seedFile: writeSeed(small) });
    await workspace.createIssue({ title: 'x', teamId: 'CORE', labelIds: ['bug'] }, { idempotencyKey: 'k' });
    expect(workspace.store.issue('CORE-1').labels.map((l) => l.id)).toEqual(['77777777-7777-4777-8777-777777777777']);
    workspace.close();
  });
});
