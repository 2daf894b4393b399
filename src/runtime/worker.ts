// Workers: claim ready threads by lease, run the loop for each, notify channels, release. Scales out by
// running `hardway serve` on several machines against one PostgreSQL: the lease is the only coordination.
import { randomUUID } from 'node:crypto';
import { backoffDelay, type BackoffPolicy } from '../core/backoff.js';
import { decide } from '../core/decider.js';
import { HardwayError } from '../core/errors.js';
import type { ThreadEvent } from '../core/events.js';
import type { GuardLimits } from '../core/guards.js';
import type { Clock, IdSource, ThreadId } from '../core/ids.js';
import { runLoop, type LoopResult } from '../core/loop.js';
import type { ContextBudget } from '../core/budget.js';
import { foldState } from '../core/state.js';
import { noHumanIntents } from '../core/thread.js';
import type { Lease, ThreadStore } from '../store/thread-store.js';
import { keepLease } from './lease-keeper.js';
import { SentPrompts } from './sent-prompts.js';
import type { Logger } from '../support/logger.js';
import { tracedAgent, tracedModel } from '../telemetry/traced.js';
import type { RunSpan, Tracing } from '../telemetry/tracing.js';
import type { RegisteredAgent } from './agent-module.js';
import type { Notifier, ThreadObserver } from './channel-module.js';

/** What happens to a thread whose run throws for a reason outside the loop (the store refusing an append, say). */
export interface RunFailurePolicy {
  /** How long every worker leaves the thread alone after each such failure. */
  backoff: BackoffPolicy;
  /** Failed runs in a row after which the thread is escalated to a human instead of tried again. */
  escalateAfter: number;
}

export const defaultRunFailurePolicy: RunFailurePolicy = { backoff: { baseMs: 1_000, maxMs: 60_000 }, escalateAfter: 5 };

const MAX_CAUSE = 200;

export interface WorkerOptions {
  store: ThreadStore;
  agents: ReadonlyMap<string, RegisteredAgent>;
  limits: GuardLimits;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  notifiers?: readonly Notifier[];
  /** Told of every append a run makes, as it is stored. */
  observers?: readonly ThreadObserver[];
  owner?: string;
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  toolTimeoutMs?: number;
  /** Each thread's context budget; none lets contexts grow. */
  contextBudget?: ContextBudget;
  /** How long `stop()` lets steps in flight finish before aborting them. */
  graceMs?: number;
  /** How often paused threads are checked for notifications a channel failed to deliver. */
  notifySweepMs?: number;
  runFailures?: RunFailurePolicy;
  /** Jitter for the run-failure backoff. */
  random?: () => number;
  /** Spans for each run, its model steps and tool calls; none when tracing is off. */
  tracing?: Tracing;
  /** Called after each thread run: tests and the CLI follow progress through it. */
  onRun?: (threadId: ThreadId, result: LoopResult | { outcome: 'lease_lost' | 'error' }) => void;
}

export class Worker {
  readonly owner: string;
  private readonly active = new Map<ThreadId, { done: Promise<void>; abort: AbortController }>();
  private running = false;
  private readonly stopping = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  /** Failed runs in a row per thread, in this process: each one backs off longer, until a human is asked. */
  private readonly failures = new Map<ThreadId, number>();

  constructor(private readonly options: WorkerOptions) {
    this.owner = options.owner ?? `worker-${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? 16;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.claimLoop();
  }

  /** Ask for an immediate claim (after an intake appended work), instead of waiting for the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  get busy(): number {
    return this.active.size;
  }

  /**
   * Graceful stop: claim nothing more; each running thread finishes the step in flight and stops. Steps still
   * running after `graceMs` are aborted: an aborted step appends nothing, and every lease is released, so
   * another process resumes the thread from its events.
   */
  async stop(graceMs = this.options.graceMs ?? 10_000): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.wake();
    await this.loopDone;
    const all = Promise.all([...this.active.values()].map((a) => a.done));
    const timer = setTimeout(() => {
      for (const a of this.active.values()) a.abort.abort(new Error('worker stopping'));
    }, graceMs);
    await all;
    clearTimeout(timer);
  }

  /** Claims and runs whatever is ready now, and waits for those runs: handy for tests and one-shot CLIs. */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.claimSome();
      if (claimed === 0 && this.active.size === 0) return;
      await Promise.race([...this.active.values()].map((a) => a.done));
    }
  }

  private async claimLoop(): Promise<void> {
    let lastSweep = Date.now();
    while (this.running) {
      try {
        await this.claimSome();
        if (Date.now() - lastSweep >= (this.options.notifySweepMs ?? 60_000)) {
          lastSweep = Date.now();
          await this.sweepNotifications();
        }
      } catch (error) {
        this.options.logger.error({ err: error }, 'claiming threads failed');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async claimSome(): Promise<number> {
    const free = this.concurrency - this.active.size;
    // Stopping claims nothing more, from the claim loop or a drain alike.
    if (free <= 0 || this.stopping.signal.aborted) return 0;
    const leases = await this.options.store.claim({ owner: this.owner, leaseMs: this.leaseMs, limit: free });
    for (const lease of leases) {
      const abort = new AbortController();
      const done = this.process(lease, abort).finally(() => {
        this.active.delete(lease.threadId);
        // A finished thread may have freed a slot for more work.
        if (this.running) this.wake();
      });
      this.active.set(lease.threadId, { done, abort });
    }
    return leases.length;
  }

  private async process(initial: Lease, abort: AbortController): Promise<void> {
    const { store, logger } = this.options;
    const log = logger.child({ thread_id: initial.threadId, worker: this.owner });
    const keeper = keepLease(store, initial, this.leaseMs, abort, log);
    let agent: RegisteredAgent | undefined;
    let run: RunSpan | undefined;
    // Set when the run failed: the lease is kept this long instead of released, so no worker claims it sooner.
    let backoffMs: number | undefined;
    try {
      const thread = await store.load(keeper.lease.threadId);
      agent = thread ? this.options.agents.get(thread.agent) : undefined;
      if (thread === undefined) return;
      if (agent === undefined) {
        // Failing it (rather than releasing it untouched) keeps it from being claimed again on every poll.
        log.error({ agent: thread.agent }, 'thread has no registered agent; failing it');
        await store.append(
          thread.id,
          [{ id: this.options.ids.eventId(), at: this.options.clock.now().toISOString(), type: 'thread_failed', data: { reason: `no agent named "${thread.agent}" runs here` } }],
          { expectedSeq: 'any', lease: keeper.lease },
        );
        return;
      }
      const prompts = new SentPrompts();
      // The run's newest event: when the thread ends failed or escalated, it says why.
      let newest: ThreadEvent | undefined;
      run = this.options.tracing?.run({ threadId: thread.id, agent: thread.agent });
      const result = await runLoop(
        {
          load: async () => {
            const t = await store.load(keeper.lease.threadId);
            if (t === undefined) throw new HardwayError('thread_not_found', `thread ${keeper.lease.threadId} vanished`);
            return t;
          },
          append: async (events, expectedSeq) => {
            const sent = prompts.for(events);
            const appended = await store.append(keeper.lease.threadId, events, {
              expectedSeq,
              lease: keeper.lease,
              releaseIfPaused: true,
              ...(sent.length > 0 ? { prompts: sent } : {}),
            });
            prompts.stored(events);
            // The loop records no deliveries, so the store cannot call its append a duplicate.
            if (appended.duplicate) throw new HardwayError('invalid_state', `append to ${keeper.lease.threadId} was taken for a duplicate`);
            if (appended.released === true) keeper.released();
            newest = appended.events.at(-1) ?? newest;
            this.observe(keeper.lease.threadId, appended.events, log);
            return appended.events;
          },
        },
        {
          agent: run ? tracedAgent(agent.definition, run) : agent.definition,
          model: run ? tracedModel(prompts.recording(agent.model), run) : prompts.recording(agent.model),
          limits: this.options.limits,
          ids: this.options.ids,
          clock: this.options.clock,
          signal: abort.signal,
          stopping: this.stopping.signal,
          ...(this.options.toolTimeoutMs ? { toolTimeoutMs: this.options.toolTimeoutMs } : {}),
          ...(this.options.contextBudget ? { contextBudget: this.options.contextBudget } : {}),
        },
        // Loaded once under the lease: the loop keeps it in memory from here on.
        thread,
      );
      this.failures.delete(keeper.lease.threadId);
      run?.end({ outcome: result.outcome === 'paused' ? result.status : result.outcome });
      const status = result.outcome === 'paused' ? result.status : undefined;
      const why = status === 'failed' || status === 'awaiting_human' ? stopReason(newest) : undefined;
      log.info({ outcome: result.outcome, status, iterations: result.iterations, ...why }, 'thread run ended');
      if (result.outcome === 'paused') await this.notify(keeper.lease.threadId, log);
      this.options.onRun?.(keeper.lease.threadId, result);
    } catch (error) {
      run?.end({ error });
      if (HardwayError.isInstance(error, 'lease_lost')) {
        log.warn('lease lost to another worker; stopping without writing');
        this.options.onRun?.(keeper.lease.threadId, { outcome: 'lease_lost' });
        return;
      }
      // The logger redacts an error's message (it may quote a person): the cause is the short form the thread stores.
      log.error({ err: error, cause: failureCause(error), ...(HardwayError.isInstance(error) ? { code: error.code, retry: error.retry } : {}) }, 'thread run failed');
      // A run cut short by stop() is not the thread's fault: the next process takes it up at once.
      if (!abort.signal.aborted) backoffMs = await this.afterFailedRun(keeper.lease, agent, error, log);
      this.options.onRun?.(keeper.lease.threadId, { outcome: 'error' });
    } finally {
      // A heartbeat landing after the hold below would stretch it to a whole lease.
      await keeper.stop();
      if (backoffMs === undefined) {
        if (!keeper.isReleased) await store.release(keeper.lease).catch((error: unknown) => log.warn({ err: error }, 'release failed'));
      } else {
        // Keeping the lease is what holds off every worker, here and elsewhere; if this process dies, it expires.
        await store.heartbeat(keeper.lease, backoffMs).catch((error: unknown) => log.warn({ err: error }, 'holding the lease failed'));
      }
    }
  }

  /**
   * A run that failed for a reason outside the loop would fail the same way if retried at once. Returns how long
   * to hold the thread back, or undefined once it has been escalated to a human (it is no longer ready).
   */
  private async afterFailedRun(lease: Lease, agent: RegisteredAgent | undefined, error: unknown, log: Logger): Promise<number | undefined> {
    const policy = this.options.runFailures ?? defaultRunFailurePolicy;
    const failures = (this.failures.get(lease.threadId) ?? 0) + 1;
    this.failures.set(lease.threadId, failures);
    const delay = Math.max(1, backoffDelay(failures - 1, policy.backoff, this.options.random));
    if (failures < policy.escalateAfter || agent === undefined) {
      log.warn({ failures, retry_in_ms: delay }, 'backing off before the thread runs again');
      return delay;
    }
    try {
      const thread = await this.options.store.load(lease.threadId);
      if (thread === undefined) return undefined;
      const events = decide(thread, { type: 'record_run_failure', failures, cause: failureCause(error) }, {
        agent: agent.definition,
        limits: this.options.limits,
        ids: this.options.ids,
        clock: this.options.clock,
      });
      await this.options.store.append(lease.threadId, events, { expectedSeq: 'any', lease });
      this.failures.delete(lease.threadId);
      log.warn({ failures }, 'thread escalated to a human after repeated failed runs');
      return undefined;
    } catch (escalationError) {
      log.error({ err: escalationError, failures, retry_in_ms: delay }, 'escalating the thread failed too; backing off');
      return delay;
    }
  }

  /** Delivers what an earlier notify could not (a mail server down, say) for recently paused threads. */
  async sweepNotifications(): Promise<number> {
    if ((this.options.notifiers ?? []).length === 0) return 0;
    let swept = 0;
    for (const status of ['awaiting_human', 'awaiting_approval', 'done', 'failed'] as const) {
      const page = await this.options.store.list({ status, limit: 200 });
      for (const summary of page.threads) {
        const thread = await this.options.store.load(summary.id);
        if (thread === undefined) continue;
        const humanIntents = this.options.agents.get(thread.agent)?.definition.humanIntents ?? noHumanIntents;
        if (foldState(thread.events, humanIntents).pendingNotifications.length === 0) continue;
        swept++;
        await this.notify(thread.id, this.options.logger.child({ thread_id: thread.id }));
      }
    }
    return swept;
  }

  private observe(threadId: ThreadId, events: readonly ThreadEvent[], log: Logger): void {
    for (const observer of this.options.observers ?? []) {
      try {
        observer.appended(threadId, events);
      } catch (error) {
        log.error({ err: error }, 'a thread observer failed');
      }
    }
  }

  private async notify(threadId: ThreadId, log: Logger): Promise<void> {
    if ((this.options.notifiers ?? []).length === 0) return;
    // From the store, not the loop's copy: another worker's sweep may have delivered something meanwhile.
    const thread = await this.options.store.load(threadId);
    if (thread === undefined) return;
    for (const notifier of this.options.notifiers ?? []) {
      try {
        await notifier.notify(thread);
      } catch (error) {
        log.error({ err: error }, 'notifying the human failed; the sweep retries it');
      }
    }
  }
}

/** Why a thread stopped failed or escalated, from the event that stopped it; nothing when it stopped to ask a person. */
function stopReason(e: ThreadEvent | undefined): { guard?: string; reason: string } | undefined {
  if (e?.type === 'escalated') return { guard: e.data.guard, reason: e.data.reason };
  if (e?.type === 'model_failed' || e?.type === 'thread_failed') return { reason: e.data.reason };
  return undefined;
}

/** What went wrong, short and in plain characters: it is stored, and what the store refused must not ride along. */
function failureCause(error: unknown): string {
  const kind = HardwayError.isInstance(error) ? error.code : error instanceof Error ? error.name : 'error';
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  // Control characters and lone surrogates are what a store may reject; neither helps a human.
  const plain = firstLine.replace(/[\p{Cc}\p{Cs}]/gu, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(plain); // by code point, so the cut cannot split a surrogate pair
  const cut = chars.length > MAX_CAUSE ? `${chars.slice(0, MAX_CAUSE).join('')}…` : plain;
  return cut ? `${kind}: ${cut}` : kind;
}
