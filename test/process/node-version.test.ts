// Every entry point checks the Node version before anything needs a newer one (node:sqlite), and says what is
// needed and how to get it (#9.17). The machine's /usr/bin/node is v20, so the real entry points are run on it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../bin/check-node.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const oldNode = '/usr/bin/node';
const oldVersion = existsSync(oldNode) ? spawnSync(oldNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim() : '';
const oldIsOld = oldVersion !== '' && Number(oldVersion.split('.')[0]) < 22;
if (!oldIsOld) console.warn(`node-version test: SKIPPING the run on an old Node: ${oldNode} is ${oldVersion || 'missing'}, not older than 22`);

const expected = (version: string) =>
  `Hardway needs Node.js ≥ 22.13; you have ${version}. Install Node 24 LTS (e.g. nvm install 24, which .nvmrc names, or from https://nodejs.org/en/download) and run this again.`;

/** An entry point run by old Node (and old npm), with nothing else on PATH that could stand in for node. */
function onOldNode(command: string, args: string[]) {
  // spawnSync: these exit at once; a hang would be the defect, and the timeout then kills it and fails the test.
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000, env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '' } });
}

describe('the Node version check', () => {
  it('#9.17a: names the minimum from package.json engines, the version found, and how to get Node 24 (.nvmrc)', () => {
    expect(pkg.engines.node).toBe('>=22.13');
    expect(readFileSync(`${root}.nvmrc`, 'utf8').trim()).toBe('24');
    expect(nodeVersionProblem('20.20.2', pkg.engines.node, '24')).toBe(expected('20.20.2'));
    expect(nodeVersionProblem('v22.12.9', pkg.engines.node, '24')).toBe(expected('22.12.9'));
    for (const ok of ['22.13.0', '22.14.1', '23.0.0', '24.21.0']) expect(nodeVersionProblem(ok, pkg.engines.node, '24')).toBeUndefined();
    // The minimum is read, not repeated: another engines range moves it.
    expect(nodeVersionProblem('24.1.0', '>=24.2', '24')).toMatch(/^Hardway needs Node.js ≥ 24.2; you have 24.1.0\./);
  });

  it.skipIf(!oldIsOld)('#9.17b: on Node 20, bin/hardway.js, npm start and npm test say what is needed and exit 1', () => {
    const cli = onOldNode(oldNode, ['bin/hardway.js', '--help']);
    expect(cli.stderr).toBe(`${expected(oldVersion)}\n`);
    expect(cli.stdout).toBe('');
    expect(cli.status).toBe(1);

    // npm start: exactly the script, run by npm on the old Node.
    expect(pkg.scripts.start).toBe('node bin/hardway.js serve');
    const start = onOldNode('/usr/bin/npm', ['start']);
    expect(start.stderr).toContain(expected(oldVersion));
    expect(start.stderr).not.toContain('node:sqlite');
    expect(start.status).toBe(1);

    // npm test starts with the check (not run here: on a new Node it would start this suite again).
    expect(pkg.scripts.test).toMatch(/^node bin\/check-node\.js && vitest run$/);
    const check = onOldNode(oldNode, ['bin/check-node.js']);
    expect(check.stderr).toBe(`${expected(oldVersion)}\n`);
    expect(check.status).toBe(1);
  }, 90_000);
});
