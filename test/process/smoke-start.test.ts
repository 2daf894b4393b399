// CI's smoke of the README's `npm start` (.ci/smoke-start), run as CI runs it (#9.15). It used to wait for npm and
// then grep for a line the server, npm's grandchild, might not have written yet; now it starts the start script
// itself as the server process and waits for that very process, so the log is complete when it is read.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnOwned } from '../support/children.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('.ci/smoke-start', () => {
  it('#9.15: the process it starts and waits for is the server itself (the start script, exec’d), and it stops cleanly', async () => {
    const child = spawnOwned('bash', ['.ci/smoke-start'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(out).toMatch(/smoke: pid \d+ is the server: node bin\/hardway\.js serve \n/);
    expect(out).toContain('smoke: npm start served, ran a thread and stopped cleanly');
    expect(code).toBe(0);
  }, 120_000);
});
