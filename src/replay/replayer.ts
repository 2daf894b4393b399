// Replay and fork: a new thread from another's events up to a seq, run under the current prompt and the chosen
// model, with mutating tools held back (dry run) unless live. The original is only read. The fork is created
// already leased to the replay, so no worker runs it with the real tools or tells anyone about it.
import type { StepModel } from '../core/agent.js';
import type { ContextBudget } from '../core/budget.js';
import { HardwayError } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import type { GuardLimits } from '../core/guards.js';
import type { Clock, IdSource, ThreadId } from '../core/ids.js';
import { runLoop } from '../core/loop.js';
import { deriveStatus, lastSeq, type Thread } from '../core/thread.js';
import type { RegisteredAgent } from '../runtime/agent-module.js';
import type { Lease, ThreadStore } from '../store/thread-store.js';
import { keepLease } from '../runtime/lease-keeper.js';
import { SentPrompts } from '../runtime/sent-prompts.js';
import type { Logger } from '../support/logger.js';
import { divergenceReport, type DivergenceReport } from './divergence.js';
import { dryRunAgent } from './dry-run.js';
import { forkEvents, forkOrigin, heldNotifications, REPLAY_CHANNEL } from './fork.js';

/** A model other than the agent's configured one, as `--provider/--model/--base-url` name it. */
export interface ModelChoice {
  provider?: string;
  model?: string;
  baseUrl?: string;
}

export interface ReplayRequest {
  threadId: ThreadId;
  fromSeq: number;
  /** Sends mutations for real. Default: dry run. */
  live?: boolean;
  model?: ModelChoice;
}

export interface ReplayerOptions {
  store: ThreadStore;
  agents: ReadonlyMap<string, RegisteredAgent>;
  /** Builds the agent's model for a choice; throws `invalid_input` when the choice is not a usable model. */
  modelFor(agent: string, choice: ModelChoice): StepModel;
  limits: GuardLimits;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  leaseMs?: number;
  toolTimeoutMs?: number;
  contextBudget?: ContextBudget;
}

export interface StartedReplay {
  forkId: ThreadId;
  /** Settles when the fork paused, with how its steps compare with the original's. Never rejects. */
  finished: Promise<DivergenceReport>;
}

const OWNER = 'replay';

export class Replayer {
  private readonly leaseMs: number;
  /** Replays still running, so closing the process waits for them instead of leaving them mid-append. */
  private readonly inFlight = new Set<Promise<DivergenceReport>>();

  constructor(private readonly options: ReplayerOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  async start(request: ReplayRequest): Promise<StartedReplay> {
    const { store, ids, clock } = this.options;
    const original = await store.load(request.threadId);
    if (original === undefined) throw new HardwayError('thread_not_found', `no thread ${request.threadId}`);
    const registered = this.options.agents.get(original.agent);
    if (registered === undefined) throw new HardwayError('invalid_state', `thread ${original.id} belongs to unknown agent ${original.agent}`);
    const chosen = request.model && Object.values(request.model).some((v) => v !== undefined) ? request.model : undefined;
    const model = chosen ? this.options.modelFor(original.agent, chosen) : registered.model;
    const agent = request.live === true ? registered.definition : dryRunAgent(registered.definition);
    const humanIntents = agent.humanIntents;

    const copied = forkEvents(original, request.fromSeq, ids);
    // A question copied before its delivery would otherwise be sent by the next notification sweep.
    const events: NewEvent[] = [...copied, ...heldNotifications({ events: copied.map((e, i) => ({ ...e, seq: i + 1 }) as Thread['events'][number]) }, humanIntents, clock.now().toISOString(), ids)];
    const forkId = ids.threadId();
    const created = await store.create({ id: forkId, agent: original.agent, events, lease: { owner: OWNER, leaseMs: this.leaseMs } });
    if (!created.created || created.lease === undefined) throw new HardwayError('invalid_state', `fork ${forkId} was not created with its lease`);
    const log = this.options.logger.child({ thread_id: forkId, forked_from: original.id, from_seq: request.fromSeq, live: request.live === true });
    log.info('replay started');
    const finished = this.run(created.lease, { ...registered, definition: agent, model }, log).then(
      () => this.report(forkId),
      async (error: unknown) => {
        log.error({ err: error }, 'replay failed');
        return this.report(forkId);
      },
    );
    this.inFlight.add(finished);
    void finished.finally(() => this.inFlight.delete(finished));
    return { forkId, finished };
  }

  /** Waits for every replay in flight (none rejects). */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** How a fork's steps compare with its original's, from the store alone (so it survives a restart). */
  async report(forkId: ThreadId): Promise<DivergenceReport> {
    const { store } = this.options;
    const fork = await store.load(forkId);
    const origin = fork && forkOrigin(fork);
    if (fork === undefined || origin === undefined) throw new HardwayError('thread_not_found', `${forkId} is not a replay`);
    const original = await store.load(origin.threadId as ThreadId);
    if (original === undefined) throw new HardwayError('thread_not_found', `the original of ${forkId}, ${origin.threadId}, is gone`);
    const humanIntents = this.options.agents.get(fork.agent)?.definition.humanIntents ?? { ask: [], done: [] };
    const listed = await store.list({ id: forkId });
    const running = listed.threads[0]?.status === 'running';
    return divergenceReport({ original, replay: fork, fromSeq: origin.seq, humanIntents, running });
  }

  private async run(initial: Lease, agent: RegisteredAgent, log: Logger): Promise<void> {
    const { store, ids, clock } = this.options;
    const humanIntents = agent.definition.humanIntents;
    const abort = new AbortController();
    const keeper = keepLease(store, initial, this.leaseMs, abort, log);
    // The fork's prompts are stored like any thread's, so the inspector shows what the replay sent.
    const prompts = new SentPrompts();
    try {
      const result = await runLoop(
        {
          load: async () => {
            const t = await store.load(keeper.lease.threadId);
            if (t === undefined) throw new HardwayError('thread_not_found', `fork ${keeper.lease.threadId} vanished`);
            return t;
          },
          append: async (events, expectedSeq) => {
            const sent = prompts.for(events);
            const appended = await store.append(keeper.lease.threadId, events, { expectedSeq, lease: keeper.lease, ...(sent.length > 0 ? { prompts: sent } : {}) });
            prompts.stored(events);
            if (appended.duplicate) throw new HardwayError('invalid_state', `append to ${keeper.lease.threadId} was taken for a duplicate`);
            const thread = await store.load(keeper.lease.threadId);
            // Whatever would reach a person is marked delivered to the report in the next commit, under the lease.
            const held = thread ? heldNotifications(thread, humanIntents, clock.now().toISOString(), ids) : [];
            if (held.length > 0) await store.append(keeper.lease.threadId, held, { expectedSeq: 'any', lease: keeper.lease });
            return appended.events;
          },
        },
        {
          agent: agent.definition,
          model: prompts.recording(agent.model),
          limits: this.options.limits,
          ids,
          clock,
          signal: abort.signal,
          ...(this.options.toolTimeoutMs ? { toolTimeoutMs: this.options.toolTimeoutMs } : {}),
          ...(this.options.contextBudget ? { contextBudget: this.options.contextBudget } : {}),
        },
      );
      log.info({ outcome: result.outcome, iterations: result.iterations }, 'replay ended');
    } finally {
      await keeper.stop();
      await this.settle(keeper.lease, humanIntents, log);
    }
  }

  /** A fork left ready (cut short) is stopped before its lease goes, so no worker ever runs it with the real tools. */
  private async settle(lease: Lease, humanIntents: RegisteredAgent['definition']['humanIntents'], log: Logger): Promise<void> {
    const { store, ids, clock } = this.options;
    try {
      const thread = await store.load(lease.threadId);
      if (thread !== undefined && deriveStatus(thread.events, humanIntents) === 'ready') {
        const at = clock.now().toISOString();
        const stopped: NewEvent = { id: ids.eventId(), type: 'thread_stopped', at, data: { by: OWNER, channel: REPLAY_CHANNEL } };
        const withStop = { events: [...thread.events, { ...stopped, seq: lastSeq(thread) + 1 }] as Thread['events'] };
        await store.append(lease.threadId, [stopped, ...heldNotifications(withStop, humanIntents, at, ids)], { expectedSeq: 'any', lease });
      }
    } catch (error) {
      log.error({ err: error }, 'stopping the cut-short replay failed');
    }
    await store.release(lease).catch((error: unknown) => log.warn({ err: error }, 'release failed'));
  }
}
