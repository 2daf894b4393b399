// Hardway as the bench drives it: the production path. The email becomes the email channel's `message_received`,
// created with its delivery (as the email intake does), a Worker claims the thread by lease and runs the loop (BAML →
// the stub), every event is committed to SQLite, and the approval goes through ThreadService.respond.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { withChannelRendering } from '../../src/app/channel-events.js';
import { channels } from '../../src/app/channels.js';
import { emailMessage } from '../../src/channels/email/email-received.js';
import { readConfig } from '../../src/app/config.js';
import { silentLogger } from '../../src/support/logger.js';
import { ThreadService } from '../../src/runtime/thread-service.js';
import type { RegisteredAgent } from '../../src/runtime/agent-module.js';
import { Worker } from '../../src/runtime/worker.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';
import { summarize } from '../../src/agents/linear-assistant/policies.js';
import { linearAssistantRender } from '../../src/agents/linear-assistant/result-views.js';
import { parseStep, type LinearStep } from '../../src/agents/linear-assistant/steps.js';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import type { AgentDefinition, Tool } from '../../src/core/agent.js';
import { defaultGuardLimits } from '../../src/core/guards.js';
import { randomIds, systemClock, type ThreadId } from '../../src/core/ids.js';
import { toJson } from '../../src/core/json.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { email as scenarioEmail, longEmail, seedEmail, toolResult, tools, type Email } from '../scenarios/email-triage.js';
import type { BenchSystem, StateSize, SystemContext, SystemInstance } from './system.js';

const AGENT = 'linear-assistant';
const SEED_BATCH = 10_000;

function packageVersion(path: string): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
    const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function benchAgent(): AgentDefinition<LinearStep> {
  const agentTools: Record<string, Tool> = Object.fromEntries(
    tools.map((spec) => [spec.name, { mutates: spec.approval === true, run: async () => toJson(toolResult(spec.name)) } satisfies Tool]),
  );
  return {
    name: AGENT,
    humanIntents: linearAssistantIntents,
    parseStep,
    tools: agentTools,
    // The Linear Assistant's own wording of an approval request, as its policies write it.
    approvalFor: (step) =>
      tools.find((t) => t.name === step.intent)?.approval ? { policy: 'approval required for create_issue', summary: summarize(step, []) } : undefined,
    toToolError: (error) => ({ kind: 'tool_error', message: error instanceof Error ? error.message : String(error), retryable: false }),
    // The Linear Assistant's own rendering: the lean profile and its result views.
    render: linearAssistantRender,
  };
}

const threadId = (key: string): ThreadId => `thr_${key}` as ThreadId;

export const hardwaySystem: BenchSystem = {
  id: 'hardway',
  name: 'Hardway',
  versions: () => ({
    hardway: packageVersion('../../package.json'),
    '@boundaryml/baml': packageVersion('../../node_modules/@boundaryml/baml/package.json'),
  }),
  durability: 'node:sqlite, WAL, synchronous=FULL: every step committed (fsynced) before the next model call; a read\'s step commits with its result, the pausing append releases the lease, and writes of threads in flight at once share a commit (group commit)',
  stateDescription: 'event rows + the thread row',
  open: openHardway,
};

async function openHardway(context: SystemContext): Promise<SystemInstance> {
  const path = join(context.dir, 'hardway.sqlite');
  const store: ThreadStore = await openStore({ databaseUrl: path, humanIntents: (agent) => (agent === AGENT ? linearAssistantIntents : undefined) });
  // A second connection for what the bench reads and seeds behind the store's back (same file, WAL).
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 10000');
  // Rendered as production renders it: with the registered channels' hooks (an email as `<email_received>`).
  const definition = withChannelRendering(benchAgent(), channels);
  const model = linearAssistantModel({
    provider: 'openai-compatible',
    model: 'stub',
    baseUrl: context.baseUrl,
    apiKey: 'bench',
    timeoutMs: 60_000,
    maxRetries: 0,
  });
  const agents = new Map<string, RegisteredAgent>([[AGENT, { definition, model }]]);
  // The production default context budget (CONTEXT_BUDGET_TOKENS unset): its checks are part of each step's cost.
  const contextBudget = { maxTokens: readConfig({}).contextBudgetTokens };
  const common = { store, agents, limits: { ...defaultGuardLimits, maxSteps: 50 }, ids: randomIds, clock: systemClock, contextBudget };
  const worker = new Worker({ ...common, logger: silentLogger, concurrency: 1, pollMs: 60_000 });
  const service = new ThreadService({ ...common, defaultAgent: AGENT, onWork: () => undefined });

  async function create(key: string, e: Email): Promise<void> {
    const messageId = e.messageId.replace('@', `.${key}@`);
    const result = await store.create({
      id: threadId(key),
      agent: AGENT,
      events: [
        {
          id: randomIds.eventId(),
          at: systemClock.now().toISOString(),
          type: 'message_received',
          data: emailMessage({
            from: e.from,
            to: [e.to],
            cc: [],
            subject: e.subject,
            body: e.body,
            fullBody: e.body,
            messageId,
            references: [],
            previousThread: [],
            attachments: [],
          }),
        },
      ],
      delivery: { source: 'email', id: messageId },
    });
    if (!result.created) throw new Error(`thread ${key} already exists`);
  }

  const approve = (id: ThreadId): Promise<void> =>
    service.respond(id, { type: 'approval', approved: true, by: scenarioEmail.from.address, channel: 'email' });

  async function expectStatus(key: string, status: string): Promise<void> {
    const row = db.prepare('SELECT status FROM threads WHERE id = ?').get(threadId(key));
    if (row?.status !== status) throw new Error(`hardway: thread ${key} is ${String(row?.status)}, expected ${status}`);
  }

  return {
    async start(key) {
      await create(key, scenarioEmail);
      await worker.drain();
      await expectStatus(key, 'awaiting_approval');
    },
    async startSeed(key) {
      await create(key, seedEmail);
      await worker.drain();
      await expectStatus(key, 'done');
    },
    async runLong(key, steps) {
      // Its own worker: the step budget must let the whole thread run (the guard counts steps since the email).
      const long = new Worker({ ...common, limits: { ...common.limits, maxSteps: steps + 1 }, logger: silentLogger, concurrency: 1, pollMs: 60_000 });
      await create(key, longEmail(steps));
      await long.drain();
      await long.stop();
      await expectStatus(key, 'done');
    },
    async resume(key) {
      await approve(threadId(key));
      await worker.drain();
      await expectStatus(key, 'done');
    },
    async runConcurrently(keys) {
      const wanted = new Set(keys.map(threadId));
      let remaining = keys.length;
      let finish: () => void = () => undefined;
      let fail: (error: unknown) => void = () => undefined;
      const finished = new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
      // The production worker, as `hardway serve` runs it: claims by lease, woken by intake, N threads at once.
      const many: Worker = new Worker({
        ...common,
        logger: silentLogger,
        concurrency: keys.length,
        pollMs: 50,
        onRun: (id, result) => {
          if (!wanted.has(id)) return;
          if (result.outcome === 'paused' && result.status === 'awaiting_approval') {
            approve(id).then(() => many.wake(), fail);
          } else if (result.outcome === 'paused' && result.status === 'done') {
            if (--remaining === 0) finish();
          } else {
            fail(new Error(`hardway: thread ${id} ended with ${JSON.stringify(result)}`));
          }
        },
      });
      many.start();
      try {
        for (const key of keys) {
          await create(key, scenarioEmail);
          many.wake();
        }
        await finished;
      } finally {
        await many.stop();
      }
    },
    async stateSize(key) {
      const id = threadId(key);
      const events = db
        .prepare(
          `SELECT count(*) AS n, coalesce(sum(length(thread_id) + 8 + length(id) + length(type) + length(at) + length(CAST(data AS BLOB))), 0) AS bytes
           FROM events WHERE thread_id = ?`,
        )
        .get(id);
      const thread = db
        .prepare(
          `SELECT length(id) + length(agent) + length(status) + 8 + length(created_at) + length(updated_at)
             + coalesce(length(lease_owner), 0) + coalesce(length(lease_token), 0) + coalesce(length(lease_expires_at), 0) AS bytes
           FROM threads WHERE id = ?`,
        )
        .get(id);
      return { rows: Number(events?.n ?? 0) + 1, bytes: Number(events?.bytes ?? 0) + Number(thread?.bytes ?? 0) } satisfies StateSize;
    },
    async seedCopies(template, count, firstIndex) {
      const source = threadId(template);
      const series = 'WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)';
      const threads = db.prepare(
        `${series} INSERT INTO threads (id, agent, status, last_seq, created_at, updated_at)
         SELECT 'thr_seed-' || i, agent, status, last_seq, created_at, updated_at FROM threads, n WHERE threads.id = ?`,
      );
      const events = db.prepare(
        `${series} INSERT INTO events (thread_id, seq, id, type, at, data)
         SELECT 'thr_seed-' || i, seq, id || '-' || i, type, at, data FROM events, n WHERE events.thread_id = ?`,
      );
      const deliveries = db.prepare(
        `${series} INSERT INTO deliveries (source, delivery_id, thread_id, created_at)
         SELECT source, delivery_id || '-' || i, 'thr_seed-' || i, created_at FROM deliveries, n WHERE deliveries.thread_id = ?`,
      );
      for (let from = firstIndex; from < firstIndex + count; from += SEED_BATCH) {
        const to = Math.min(firstIndex + count, from + SEED_BATCH) - 1;
        db.exec('BEGIN IMMEDIATE');
        threads.run(from, to, source);
        events.run(from, to, source);
        deliveries.run(from, to, source);
        db.exec('COMMIT');
      }
      // A store that grew over months has long been checkpointed: do not measure a bulk load's WAL.
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    },
    async close() {
      await worker.stop();
      db.close();
      await store.close();
    },
  };
}
