// vitest globalSetup: the run's last check that no process a test started is still alive, even one whose test
// file never reached its own afterAll (a crashed or timed-out worker).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killSurvivors, registeredGroups, registryDirEnv } from './children.js';

export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'hardway-test-children-'));
  process.env[registryDirEnv] = dir;
  return () => {
    const left = killSurvivors(registeredGroups(dir));
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) throw new Error(`the test run left processes running (now killed):\n${left.join('\n')}`);
  };
}
