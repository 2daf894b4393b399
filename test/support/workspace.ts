// A fresh local Linear workspace in memory, seeded from the repo's workspace.seed.json.
import { fileURLToPath } from 'node:url';
import { createLocalWorkspace, type LocalWorkspace } from '../../src/linear/local-workspace/local-workspace.js';

export const seedFile = fileURLToPath(new URL('../../workspace.seed.json', import.meta.url));

export async function testWorkspace(): Promise<LocalWorkspace> {
  return createLocalWorkspace({ file: ':memory:', seedFile });
}
