// Wires one running Hardway from its settings: store, Linear, the registered agents and channels, worker, intake,
// HTTP app. It names no agent and no channel: it builds whatever src/app/agents.ts and src/app/channels.ts list.
// Everything with a side effect can be overridden, which is how tests run the real program against doubles.
import type { Hono } from 'hono';
import type { DestinationStream } from 'pino';
import type { StepModel } from '../core/agent.js';
import type { MayApprove } from '../core/human-input.js';
import { HardwayError } from '../core/errors.js';
import { randomIds, systemClock, type Clock, type IdSource } from '../core/ids.js';
import { approversAcross } from '../core/people.js';
import { createRedactor } from '../core/redactor.js';
import type { HumanIntents } from '../core/thread.js';
import type { LinearPort } from '../linear/linear-port.js';
import { readLlmConfig } from '../llm/config.js';
import { Replayer } from '../replay/replayer.js';
import { createApp } from '../server/app.js';
import { watchOtherWriters } from '../server/ui/other-writers.js';
import { announcingStore, threadChanges } from '../server/ui/thread-changes.js';
import type { HealthCheck } from '../server/routes/health.js';
import { openStore } from '../store/open-store.js';
import { redactingStore } from '../store/redacting-store.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { RegisteredAgent } from '../runtime/agent-module.js';
import type { BackgroundSource, ChannelModule, Notifier, OpenedChannel } from '../runtime/channel-module.js';
import type { Inbound } from '../runtime/intake.js';
import { ThreadService } from '../runtime/thread-service.js';
import { createUnroutedNotifier } from '../runtime/unrouted-notifier.js';
import { Worker } from '../runtime/worker.js';
import { createLogger, type Logger } from '../support/logger.js';
import { readTelemetryConfig } from '../telemetry/config.js';
import type { Tracing } from '../telemetry/tracing.js';
import { agents as registeredAgents, type AgentList } from './agents.js';
import { channelUpcasters, withChannelRendering } from './channel-events.js';
import { channels as registeredChannels } from './channels.js';
import type { AppConfig } from './config.js';
import { openLinear } from './open-linear.js';
import { readPeople, readRouting } from './people.js';
import { configuredSecrets } from './secrets.js';

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
  /** In place of the registries in src/app/channels.ts and src/app/agents.ts. */
  channels?: readonly ChannelModule[];
  agents?: AgentList;
}

export interface Container {
  config: AppConfig;
  logger: Logger;
  store: ThreadStore;
  linear: LinearPort;
  agents: ReadonlyMap<string, RegisteredAgent>;
  service: ThreadService;
  worker: Worker;
  /** Forks threads and runs them again, dry run by default (`hardway replay`, POST /v1/threads/:id/replay). */
  replayer: Replayer;
  app: Hono;
  /** What each channel turned on by its settings contributed, by channel name. */
  channels: ReadonlyMap<string, OpenedChannel>;
  /** The channels' background sources (IMAP, schedules): `serve` starts them, `close` stops them. */
  sources: readonly BackgroundSource[];
  /** Reads what other processes wrote, so the inspector's live pages hear them: `serve` starts it. */
  otherWriters: BackgroundSource;
  close(): Promise<void>;
}

export async function createContainer(config: AppConfig, overrides: ContainerOverrides = {}): Promise<Container> {
  const agentModules = overrides.agents ?? registeredAgents;
  const channelModules = overrides.channels ?? registeredChannels;
  for (const [kind, names] of [['agents', agentModules.map((m) => m.name)], ['channels', channelModules.map((m) => m.name)]] as const) {
    if (new Set(names).size !== names.length) throw new Error(`two ${kind} share a name: ${names.join(', ')}`);
  }
  // Every configured secret is kept out of the logs and out of every event written, whoever writes it.
  const redact = createRedactor(configuredSecrets(config.env));
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, redact, ...(overrides.logDestination ? { destination: overrides.logDestination } : {}) });
  const ids = overrides.ids ?? randomIds;
  const clock = overrides.clock ?? systemClock;
  // The agent registry: every reader of a thread's status learns its agent's human intents from here.
  const agents = new Map<string, RegisteredAgent>();
  const humanIntents = (agent: string): HumanIntents | undefined => agents.get(agent)?.definition.humanIntents;
  // Every write in this process is announced, so the inspector's pages update without reading the database.
  const changes = threadChanges();
  const store = announcingStore(
    redactingStore(overrides.store ?? (await openStore({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, ids, clock, humanIntents, upcasters: channelUpcasters(channelModules) })), redact),
    changes,
  );
  const linearHandle = overrides.linear ? { port: overrides.linear, kind: 'override', close: async () => {} } : await openLinear(config.linear);
  const linear = linearHandle.port;

  // Off unless an OTLP endpoint is set: then, and only then, the SDK is loaded.
  const telemetry = readTelemetryConfig(config.env);
  const tracing: Tracing | undefined = telemetry
    ? (await import('../telemetry/otel.js')).otelTracing({
        config: telemetry,
        redact,
        ...(config.llm.ok ? { llm: { provider: config.llm.config.provider, model: config.llm.config.model } } : {}),
      })
    : undefined;

  const agentContext = { config, linear, clock, ids, threads: store };
  // Every channel's messages read the same in every agent's context, on or off in this process.
  for (const m of agentModules) {
    agents.set(m.name, { definition: withChannelRendering(m.definition(agentContext), channelModules), model: overrides.model ?? m.model(agentContext) });
  }
  const defaultAgent = agentModules[0].name;
  // Channels are built before the intake they write through (it needs their approver rules); the closure reaches it.
  const built: { intake?: ThreadService; approvers?: Record<string, MayApprove> } = {};
  const people = readPeople(config.env);
  const routing = readRouting(config.env, channelModules.filter((m) => m.answersPeople !== false).map((m) => m.name));
  const channelContext = {
    env: config.env,
    port: config.port,
    store,
    intake: { receive: async (inbound: Inbound) => (built.intake ?? unreachableIntake()).receive(inbound) },
    agent: defaultAgent,
    agents: agentModules.map((m) => m.name),
    humanIntents,
    ids,
    clock,
    logger,
    routing,
    people,
    approves: (sender: Parameters<MayApprove>[0], thread: Parameters<MayApprove>[1]) => built.approvers?.[sender.channel]?.(sender, thread) ?? false,
  };
  const channels = new Map<string, OpenedChannel>();
  for (const m of channelModules) {
    const opened = m.open(channelContext);
    if (opened) channels.set(m.name, opened);
  }
  const opened = [...channels.values()];
  const sources = opened.flatMap((c) => c.sources);
  // What other processes write to the same store, for the inspector's live pages.
  const otherWriters = watchOtherWriters(store, changes, { logger });
  const approvers = approversAcross(Object.assign({}, ...opened.map((c) => c.approvers), overrides.approvers), people);
  built.approvers = approvers;
  const unrouted = createUnroutedNotifier({
    known: channelModules.map((m) => m.name),
    delivering: [...channels].flatMap(([name, c]) => (c.notifier ? [name] : [])),
    routing,
    humanIntents,
    logger,
  });

  const worker = new Worker({
    store,
    agents,
    limits: config.limits,
    ids,
    clock,
    logger,
    notifiers: overrides.notifiers ?? [...opened.flatMap((c) => (c.notifier ? [c.notifier] : [])), unrouted],
    observers: opened.flatMap((c) => (c.observer ? [c.observer] : [])),
    concurrency: config.worker.concurrency,
    leaseMs: config.worker.leaseMs,
    pollMs: config.worker.pollMs,
    graceMs: config.worker.graceMs,
    toolTimeoutMs: config.worker.toolTimeoutMs,
    ...(config.contextBudgetTokens > 0 ? { contextBudget: { maxTokens: config.contextBudgetTokens } } : {}),
    ...(overrides.workerOwner ? { owner: overrides.workerOwner } : {}),
    ...(tracing ? { tracing } : {}),
  });
  const service = new ThreadService({
    store,
    agents,
    defaultAgent,
    limits: config.limits,
    ids,
    clock,
    approvers,
    onWork: () => worker.wake(),
    ...(tracing ? { tracing } : {}),
  });
  built.intake = service;

  const replayer = new Replayer({
    store,
    agents,
    // The replay's model: the agent's own, built from the process's LLM_* settings with the choice laid over them.
    modelFor: (name, choice) => {
      const module = agentModules.find((m) => m.name === name);
      if (module === undefined) throw new HardwayError('invalid_input', `unknown agent "${name}"`);
      const llm = readLlmConfig({
        ...config.env,
        ...(choice.provider !== undefined ? { LLM_PROVIDER: choice.provider } : {}),
        ...(choice.model !== undefined ? { LLM_MODEL: choice.model } : {}),
        ...(choice.baseUrl !== undefined ? { LLM_BASE_URL: choice.baseUrl } : {}),
      });
      if (!llm.ok) throw new HardwayError('invalid_input', llm.problem);
      return module.model({ ...agentContext, config: { ...config, llm } });
    },
    limits: config.limits,
    ids,
    clock,
    logger,
    leaseMs: config.worker.leaseMs,
    toolTimeoutMs: config.worker.toolTimeoutMs,
    ...(config.contextBudgetTokens > 0 ? { contextBudget: { maxTokens: config.contextBudgetTokens } } : {}),
  });

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
    replayer,
    logger,
    health,
    changes,
    ...(config.apiToken ? { apiToken: config.apiToken } : {}),
    mounts: Object.assign({}, ...opened.map((c) => c.mounts), overrides.mounts),
  });

  return {
    config,
    logger,
    store,
    linear,
    agents,
    service,
    worker,
    replayer,
    app,
    channels,
    sources,
    otherWriters,
    async close() {
      changes.close();
      await otherWriters.stop();
      for (const source of sources) await source.stop();
      await worker.stop();
      await replayer.idle();
      await tracing?.shutdown();
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
