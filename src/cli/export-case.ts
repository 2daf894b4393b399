// `hardway export <thread>`: a stored thread as an eval case on stdout, read straight from the store.
import type { AppConfig } from '../app/config.js';
import { createContainer } from '../app/container.js';
import { parseThreadId } from '../core/ids.js';
import { systemClock } from '../core/ids.js';
import { silentLogger } from '../support/logger.js';
import { parseRequire } from '../evals/assertions.js';
import { exportCase } from '../evals/export-case.js';

export interface ExportFlags {
  upto?: string;
  expectIntent?: string;
  require: string[];
  forbidIntent: string[];
  name?: string;
}

export async function exportThread(config: AppConfig, raw: string, flags: ExportFlags): Promise<void> {
  const id = parseThreadId(raw);
  if (!id) throw new Error(`"${raw}" is not a thread id (they look like thr_…)`);
  const upto = flags.upto === undefined ? undefined : Number(flags.upto);
  if (upto !== undefined && !(Number.isInteger(upto) && upto > 0)) throw new Error(`--upto takes an event's seq, a whole number (got "${flags.upto}")`);
  const assert = {
    ...(flags.expectIntent === undefined ? {} : { intent: flags.expectIntent }),
    require: flags.require.map(parseRequire),
    forbidIntents: flags.forbidIntent,
  };
  const c = await createContainer(config, { logger: silentLogger });
  try {
    const thread = await c.service.load(id);
    const exported = exportCase(thread, { ...(upto === undefined ? {} : { upto }), ...(flags.name ? { name: flags.name } : {}), assert, exportedAt: systemClock.now().toISOString() });
    process.stdout.write(`${JSON.stringify(exported, null, 2)}\n`);
  } finally {
    await c.close();
  }
}
