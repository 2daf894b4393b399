// The processes tests start are theirs to end: the server is one process leading its own group, and the suite's
// teardown finds and kills anything a test file left running (#9.16).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { groupOf, killSurvivors, liveInGroup, registeredGroups, registryDirEnv, spawnOwned, stopGroup, type Group } from '../support/children.js';
import { startServerProcess } from '../support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hardway-children-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function groupEnds(group: Group): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (liveInGroup(group).length > 0) {
    if (Date.now() > deadline) throw new Error(`group ${group.pgid} is still alive: ${liveInGroup(group).join(', ')}`);
    await sleep(25);
  }
}

describe('processes started by tests', () => {
  it('#9.16a: the test server is one process (child.pid serves, alone in its own group); after SIGKILL nothing answers', async () => {
    const server = await startServerProcess({ DATABASE_URL: join(dir, 'one.sqlite'), LINEAR_WORKSPACE_FILE: join(dir, 'ws.sqlite') });
    const pid = server.child.pid ?? 0;
    const group = groupOf(server.child);
    if (!group) throw new Error('the server is not a registered group leader');
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('serve');
    expect(liveInGroup(group)).toEqual([pid]);
    expect((await fetch(`${server.url}/healthz`)).headers.get('content-type')).toContain('json'); // it answers
    await server.stop('SIGKILL');
    await groupEnds(group);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('#9.16b: a process a test file leaves running is reported and killed by the teardown check', async () => {
    const child = spawnOwned(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    const group = groupOf(child);
    if (!group) throw new Error('the child is not a registered group leader');
    expect(liveInGroup(group)).toEqual([pid]);
    const left = killSurvivors();
    expect(left).toHaveLength(1);
    expect(left[0]).toContain(`group ${pid}`);
    await groupEnds(group);
    expect(killSurvivors()).toEqual([]);
  });

  it('#9.16c: the run-wide check reads every group, even one started with a multi-line script, and never a reused id', async () => {
    const registry = join(dir, 'registry');
    mkdirSync(registry);
    const before = process.env[registryDirEnv];
    process.env[registryDirEnv] = registry;
    const child = spawnOwned(process.execPath, ['-e', 'setInterval(() => {},\n 1000)'], { stdio: 'ignore' });
    if (before === undefined) delete process.env[registryDirEnv];
    else process.env[registryDirEnv] = before;
    const group = groupOf(child);
    if (!group) throw new Error('the child is not a registered group leader');
    // One line, whose id is the child's: a line from the script's second line must never read as group 0 (our own).
    expect(registeredGroups(registry)).toEqual([group]);
    // The same id with another start time is someone else's process that got the pid: not ours, never signalled.
    expect(liveInGroup({ pgid: group.pgid, start: `${group.start}1` })).toEqual([]);
    expect(liveInGroup({ pgid: 0, start: '' })).toEqual([]);
    await stopGroup(child);
    expect(liveInGroup(group)).toEqual([]);
  });
});
