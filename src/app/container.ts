// Wires one running Hardway from its settings: store, Linear, agents, model, worker, service, HTTP app.
// Everything with a side effect can be overridden, which is how tests run the real program against doubles.
import type { Hono } from 'hono';
import type { DestinationStream } from 'pino';
import type { StepModel } from '../core/agent.js';
import type { MayApprove } from '../core/human-input.js';
import { randomIds, systemClock, type Clock, type IdSource } from '../core/ids.js';
import { createRedactor } from '../core/redactor.js';
import type { HumanIntents } from '../core/thread.js';
import { createLinearAssistant, LINEAR_ASSISTANT } from '../agents/linear-assistant/agent.js';
import { linearAssistantModel } from '../agents/linear-assistant/model.js';
import type { LinearPort } from '../linear/linear-port.js';
import { createApp } from '../server/app.js';
import type { HealthCheck } from '../server/routes/health.js';
import { openStore } from '../store/open-store.js';
import { redactingStore } from '../store/redacting-store.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { AppConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openEmailChannel, type EmailChannel } from './email-channel.js';
import { openLinear } from './open-linear.js';
import { configuredSecrets } from './secrets.js';
import { ThreadService } from './thread-service.js';
import { Worker, type Notifier, type RegisteredAgent } from './worker.js';

export interface ContainerOverrides {
  logger?: Logger;
  /** Where the container's own logger writes (when no `logger` is given). */
  logDestination?: DestinationStream;
  store?: ThreadStore;
  linear?: LinearPort;
  model?: StepModel;
  ids?: IdSource;
  clock?: Clock;
  notifiers?: Notifier[];
  mounts?: Record<string, Hono>;
  /** Who may decide approvals, by channel, over what the channels themselves say. */
  approvers?: Record<string, MayApprove>;
  workerOwner?: string;
}

export interface Container {
  config: AppConfig;
  logger: Logger;
  store: ThreadStore;
  linear: LinearPort;
  agents: ReadonlyMap<string, RegisteredAgent>;
  service: ThreadService;
  worker: Worker;
  app: Hono;
  email?: EmailChannel;
  close(): Promise<void>;
}

/** A model that cannot run: every thread fails with the exact settings to add, instead of hanging. */
export function unconfiguredModel(problem: string): StepModel {
  return async () => ({ kind: 'unavailable', reason: problem, retryable: false });
}

export async function createContainer(config: AppConfig, overrides: ContainerOverrides = {}): Promise<Container> {
  // Every configured secret is kept out of the logs and out of every event written, whoever writes it.
  const redact = createRedactor(configuredSecrets(config.env));
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, redact, ...(overrides.logDestination ? { destination: overrides.logDestination } : {}) });
  const ids = overrides.ids ?? randomIds;
  const clock = overrides.clock ?? systemClock;
  // The agent registry: every reader of a thread's status learns its agent's human intents from here.
  const agents = new Map<string, RegisteredAgent>();
  const humanIntents = (agent: string): HumanIntents | undefined => agents.get(agent)?.definition.humanIntents;
  const store = redactingStore(overrides.store ?? (await openStore({ databaseUrl: config.databaseUrl, ids, clock, humanIntents })), redact);
  const linearHandle = overrides.linear ? { port: overrides.linear, kind: 'override', close: async () => {} } : await openLinear(config.linear);
  const linear = linearHandle.port;

  const definition = createLinearAssistant({
    linear,
    policy: config.approvals,
    prefetchTtlMs: config.linear.prefetchTtlMs,
    clock,
  });
  const model =
    overrides.model ?? (config.llm.ok ? linearAssistantModel(config.llm.config) : unconfiguredModel(config.llm.problem));
  agents.set(LINEAR_ASSISTANT, { definition, model });
  // Channels are built before the intake they write through (it needs their approver rules); the closure reaches it.
  const built: { intake?: ThreadService } = {};
  const email = openEmailChannel({
    env: config.env,
    port: config.port,
    store,
    intake: { receive: async (inbound) => (built.intake ?? unreachableIntake()).receive(inbound) },
    agent: LINEAR_ASSISTANT,
    humanIntents,
    ids,
    clock,
    logger,
    cursorFile: config.imapCursorFile,
  });

  const worker = new Worker({
    store,
    agents,
    limits: config.limits,
    ids,
    clock,
    logger,
    notifiers: overrides.notifiers ?? (email?.notifier ? [email.notifier] : []),
    concurrency: config.worker.concurrency,
    leaseMs: config.worker.leaseMs,
    pollMs: config.worker.pollMs,
    graceMs: config.worker.graceMs,
    toolTimeoutMs: config.worker.toolTimeoutMs,
    ...(overrides.workerOwner ? { owner: overrides.workerOwner } : {}),
  });
  const service = new ThreadService({
    store,
    agents,
    defaultAgent: LINEAR_ASSISTANT,
    limits: config.limits,
    ids,
    clock,
    approvers: { ...email?.approvers, ...overrides.approvers },
    onWork: () => worker.wake(),
  });
  built.intake = service;

  const health: Record<string, HealthCheck> = {
    store: async () => {
      await store.list({ limit: 1 });
      return { ok: true, detail: store.kind };
    },
    model: async () => (config.llm.ok ? modelReachable(config.llm.config.baseUrl, config.llm.config.provider) : { ok: false, detail: config.llm.problem.split('\n')[0] ?? 'not configured' }),
    linear: async () => {
      const teams = await linear.listTeams();
      return { ok: true, detail: `${linearHandle.kind}: ${teams.length} teams` };
    },
  };
  const app = createApp({
    store,
    service,
    agents,
    logger,
    health,
    ...(config.apiToken ? { apiToken: config.apiToken } : {}),
    mounts: { ...email?.mounts, ...overrides.mounts },
  });

  return {
    config,
    logger,
    store,
    linear,
    agents,
    service,
    worker,
    app,
    ...(email ? { email } : {}),
    async close() {
      await email?.imap?.stop();
      await worker.stop();
      await linearHandle.close();
      if (!overrides.store) await store.close();
    },
  };
}

function unreachableIntake(): never {
  throw new Error('a channel received input before the intake was built');
}

/** OpenAI-compatible servers list their models at GET /models; hosted providers are assumed up when configured. */
async function modelReachable(baseUrl: string | undefined, provider: string): Promise<{ ok: boolean; detail?: string }> {
  if (baseUrl === undefined) return { ok: true, detail: `${provider} (not probed)` };
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}/models`, { signal: AbortSignal.timeout(2_000) });
  return { ok: response.status < 500, detail: `${provider} at ${baseUrl}: HTTP ${response.status}` };
}
