// Arrows point down (DESIGN.md §8): every import under src/ follows the table in ./layers.ts, and the checker
// catches each kind of arrow that table forbids.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, layerViolations } from './layers.js';

const root = join(import.meta.dirname, '..', '..');

function sourcesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
  }
  return files;
}

describe('layers', () => {
  it('every import under src follows the allowed arrows', () => {
    const files = sourcesUnder('src');
    expect(files.size).toBeGreaterThan(100);
    expect(layerViolations(files)).toEqual([]);
  });

  it('src/core imports nothing of ours', () => {
    const core = [...sourcesUnder('src').entries()].filter(([file]) => file.startsWith('src/core/'));
    expect(core.length).toBeGreaterThan(0);
    for (const [file, source] of core) for (const specifier of importsOf(source)) expect(`${file} → ${specifier}`).toMatch(/ → \.\/[^/]+$/);
  });

  it('names every forbidden arrow: upward, across modules, into runtime internals, past a contract, by any import form', () => {
    const files = new Map<string, string>([
      ['src/core/loop.ts', "import type { ThreadStore } from '../store/thread-store.js';"],
      ['src/server/app.ts', "import type { Logger } from '../app/logger.js';"],
      ['src/channels/email/inbound/intake.ts', "import type { ThreadService } from '../../../runtime/thread-service.js';"],
      ['src/channels/slack/module.ts', "export { emailChannel } from '../email/module.js';"],
      ['src/runtime/worker.ts', "const { openStore } = await import('../store/open-store.js');"],
      ['src/store/sqlite-store.ts', "import '../runtime/worker.js';"],
      ['src/agents/linear-assistant/tools.ts', "import { emailChannel } from '../../channels/email/module.js';"],
      ['src/cli/serve.ts', "import { createApp } from '../server/app.js';"],
      ['src/channels/shared/signing.ts', "import { EMAIL_DOMAIN } from '../email/config.js';"],
      ['src/agents/linear-assistant/links.ts', "import { sign } from '../../channels/shared/signing.js';"],
      // Allowed, for contrast: inside a module, down to a contract, a channel to the channels' shared helpers, app wiring anything.
      ['src/channels/email/module.ts', "import type { ChannelModule } from '../../runtime/channel-module.js';\nimport { createEmailIntake } from './inbound/intake.js';"],
      ['src/channels/slack/verify.ts', "import { hmacHex } from '../shared/signing.js';\nimport { Secret } from '../shared/secret.js';"],
      ['src/app/container.ts', "import { createApp } from '../server/app.js';\nimport { Worker } from '../runtime/worker.js';"],
    ]);
    expect(layerViolations(files).map((v) => `${v.file}: ${v.problem}`)).toEqual([
      'src/core/loop.ts: core may not import store',
      'src/server/app.ts: server may not import app',
      'src/channels/email/inbound/intake.ts: channels may import only intake.ts, channel-module.ts, agent-module.ts of runtime, not thread-service.ts',
      'src/channels/slack/module.ts: channels/slack imports another module, channels/email',
      'src/runtime/worker.ts: runtime may import only thread-store.ts, retry-on-conflict.ts of store, not open-store.ts',
      'src/store/sqlite-store.ts: store may not import runtime',
      'src/agents/linear-assistant/tools.ts: agents may not import channels',
      'src/cli/serve.ts: cli may not import server',
      'src/channels/shared/signing.ts: channels/shared imports another module, channels/email',
      'src/agents/linear-assistant/links.ts: agents may not import channels',
    ]);
  });
});
