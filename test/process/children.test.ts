// The processes tests start are theirs to end: the server is one process leading its own group, and the suite's
// teardown finds and kills anything a test file left running (#9.16).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { killSurvivors, liveInGroup, spawnOwned } from '../support/children.js';
import { startServerProcess } from '../support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hardway-children-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function groupEnds(pgid: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (liveInGroup(pgid).length > 0) {
    if (Date.now() > deadline) throw new Error(`group ${pgid} is still alive: ${liveInGroup(pgid).join(', ')}`);
    await sleep(25);
  }
}

describe('processes started by tests', () => {
  it('#9.16a: the test server is one process (child.pid serves, alone in its own group); after SIGKILL nothing answers', async () => {
    const server = await startServerProcess({ DATABASE_URL: join(dir, 'one.sqlite'), LINEAR_WORKSPACE_FILE: join(dir, 'ws.sqlite') });
    const pid = server.child.pid ?? 0;
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('serve');
    expect(liveInGroup(pid)).toEqual([pid]);
    expect((await fetch(`${server.url}/healthz`)).headers.get('content-type')).toContain('json'); // it answers
    await server.stop('SIGKILL');
    await groupEnds(pid);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('#9.16b: a process a test file leaves running is reported and killed by the teardown check', async () => {
    const child = spawnOwned(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    expect(liveInGroup(pid)).toEqual([pid]);
    const left = killSurvivors();
    expect(left).toHaveLength(1);
    expect(left[0]).toContain(`group ${pid}`);
    await groupEnds(pid);
    expect(killSurvivors()).toEqual([]);
  });
});
