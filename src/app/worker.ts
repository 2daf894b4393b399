// Workers: claim ready threads by lease, run the loop for each, notify channels, release. Scales out by
// running `hardway serve` on several machines against one PostgreSQL: the lease is the only coordination.
import { randomUUID } from 'node:crypto';
import type { AgentDefinition, StepModel } from '../core/agent.js';
import { HardwayError } from '../core/errors.js';
import type { GuardLimits } from '../core/guards.js';
import type { Clock, IdSource, ThreadId } from '../core/ids.js';
import { runLoop, type LoopResult } from '../core/loop.js';
import { pendingNotifications, type Thread } from '../core/thread.js';
import type { Lease, ThreadStore } from '../store/thread-store.js';
import type { Logger } from './logger.js';

export interface RegisteredAgent {
  definition: AgentDefinition;
  model: StepModel;
}

/** A channel that delivers what a paused thread has for a human (see core `pendingNotifications`). */
export interface Notifier {
  notify(thread: Thread): Promise<void>;
}

export interface WorkerOptions {
  store: ThreadStore;
  agents: ReadonlyMap<string, RegisteredAgent>;
  limits: GuardLimits;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  notifiers?: readonly Notifier[];
  owner?: string;
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  toolTimeoutMs?: number;
  /** How long `stop()` lets steps in flight finish before aborting them. */
  graceMs?: number;
  /** How often paused threads are checked for notifications a channel failed to deliver. */
  notifySweepMs?: number;
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
    if (free <= 0) return 0;
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
    let lease = initial;
    const heartbeat = setInterval(() => {
      store.heartbeat(lease, this.leaseMs).then(
        (renewed) => {
          if (renewed) lease = renewed;
          else abort.abort(new Error('lease lost'));
        },
        (error: unknown) => log.warn({ err: error }, 'heartbeat failed'),
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    try {
      const thread = await store.load(lease.threadId);
      const agent = thread ? this.options.agents.get(thread.agent) : undefined;
      if (thread === undefined) return;
      if (agent === undefined) {
        // Failing it (rather than releasing it untouched) keeps it from being claimed again on every poll.
        log.error({ agent: thread.agent }, 'thread has no registered agent; failing it');
        await store.append(
          thread.id,
          [{ id: this.options.ids.eventId(), at: this.options.clock.now().toISOString(), type: 'thread_failed', data: { reason: `no agent named "${thread.agent}" runs here` } }],
          { expectedSeq: 'any', lease },
        );
        return;
      }
      const result = await runLoop(
        {
          load: async () => {
            const t = await store.load(lease.threadId);
            if (t === undefined) throw new HardwayError('thread_not_found', `thread ${lease.threadId} vanished`);
            return t;
          },
          append: async (events, expectedSeq) => {
            await store.append(lease.threadId, events, { expectedSeq, lease });
          },
        },
        {
          agent: agent.definition,
          model: agent.model,
          limits: this.options.limits,
          ids: this.options.ids,
          clock: this.options.clock,
          signal: abort.signal,
          stopping: this.stopping.signal,
          ...(this.options.toolTimeoutMs ? { toolTimeoutMs: this.options.toolTimeoutMs } : {}),
        },
      );
      log.info({ outcome: result.outcome, status: result.outcome === 'paused' ? result.status : undefined, iterations: result.iterations }, 'thread run ended');
      if (result.outcome === 'paused') await this.notify(lease.threadId, log);
      this.options.onRun?.(lease.threadId, result);
    } catch (error) {
      if (HardwayError.isInstance(error, 'lease_lost')) {
        log.warn('lease lost to another worker; stopping without writing');
        this.options.onRun?.(lease.threadId, { outcome: 'lease_lost' });
        return;
      }
      log.error({ err: error }, 'thread run failed');
      this.options.onRun?.(lease.threadId, { outcome: 'error' });
    } finally {
      clearInterval(heartbeat);
      await store.release(lease).catch((error: unknown) => log.warn({ err: error }, 'release failed'));
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
        const humanIntents = thread ? this.options.agents.get(thread.agent)?.definition.humanIntents : undefined;
        if (thread === undefined || pendingNotifications(thread.events, humanIntents).length === 0) continue;
        swept++;
        await this.notify(thread.id, this.options.logger.child({ thread_id: thread.id }));
      }
    }
    return swept;
  }

  private async notify(threadId: ThreadId, log: Logger): Promise<void> {
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
