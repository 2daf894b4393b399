// `hardway threads | show | respond | approve | deny | retry`: straight against the store, so they work with or
// without a server running (a running server's workers pick answered threads up on their next poll).
import type { AppConfig } from '../app/config.js';
import { inboundDescribers } from '../app/channel-events.js';
import { channels } from '../app/channels.js';
import { createContainer, type Container } from '../app/container.js';
import { silentLogger } from '../support/logger.js';
import type { Response } from '../runtime/thread-service.js';
import { parseThreadId, type ThreadId } from '../core/ids.js';
import { deriveStatus, noHumanIntents, threadStatuses, type ThreadStatus } from '../core/thread.js';
import { stepUsages, usageTotals } from '../core/usage-totals.js';
import { describeEvent, describeTotals } from './format.js';

async function withContainer<T>(config: AppConfig, run: (c: Container) => Promise<T>): Promise<T> {
  const c = await createContainer(config, { logger: silentLogger });
  try {
    return await run(c);
  } finally {
    await c.close();
  }
}

function threadId(raw: string): ThreadId {
  const id = parseThreadId(raw);
  if (!id) throw new Error(`"${raw}" is not a thread id (they look like thr_…)`);
  return id;
}

export async function listThreads(config: AppConfig, options: { status?: string; limit: string }): Promise<void> {
  const status = options.status;
  if (status !== undefined && !(threadStatuses as readonly string[]).includes(status)) {
    throw new Error(`--status must be one of ${threadStatuses.join(', ')}`);
  }
  await withContainer(config, async (c) => {
    const page = await c.store.list({ limit: Number(options.limit), ...(status ? { status: status as ThreadStatus } : {}) });
    for (const t of page.threads) console.log(`${t.id}  ${t.status.padEnd(17)} ${t.updatedAt}  ${t.agent}  (${t.lastSeq} events)`);
    if (page.threads.length === 0) console.log('no threads');
  });
}

export async function showThread(config: AppConfig, raw: string): Promise<void> {
  await withContainer(config, async (c) => {
    const thread = await c.service.load(threadId(raw));
    const humanIntents = c.agents.get(thread.agent)?.definition.humanIntents ?? noHumanIntents;
    console.log(`${thread.id}  ${thread.agent}  ${deriveStatus(thread.events, humanIntents)}`);
    const describers = inboundDescribers(channels);
    for (const e of thread.events) console.log(`${String(e.seq).padStart(4)}  ${e.at}  ${describeEvent(e, describers)}`);
    console.log(describeTotals(usageTotals(stepUsages(thread.events))));
  });
}

export async function answer(config: AppConfig, raw: string, response: Response): Promise<void> {
  await withContainer(config, async (c) => {
    await c.service.respond(threadId(raw), response);
    console.log(`${raw}: answer recorded; the thread resumes on the next worker poll`);
  });
}
