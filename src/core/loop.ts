// The agent loop (factor 8): render → model → decide → run the tool or pause → append → again.
// The only place in the core with side effects, and all of them come in through `io` and `deps`. While the worker
// holds the lease the thread lives here in memory: each append's stored events are added to it and only they are
// rendered; the thread is read again only when someone else wrote to it meanwhile. A step whose tool only reads
// is committed together with its result (one commit, not two); every step is committed before the next model call.
import type { AgentDefinition, StepModel } from './agent.js';
import { compactionFor, TokenMeter, type ContextBudget } from './budget.js';
import { ContextBuilder } from './context-builder.js';
import { decide, type Command, type DecideContext } from './decider.js';
import { HardwayError } from './errors.js';
import type { EventOf, NewEvent, ThreadEvent } from './events.js';
import type { GuardLimits } from './guards.js';
import type { Clock, IdSource } from './ids.js';
import { toJson } from './json.js';
import { approvalOf, createEvolve, foldState, type Evolve, type ThreadState } from './state.js';
import { lastSeq, type DerivedStatus, type Thread } from './thread.js';

export interface LoopIo {
  /** The thread as stored: read once at the start (unless given) and again only after someone else wrote to it. */
  load(): Promise<Thread>;
  /**
   * Returns the events as stored, with their seqs. Throws ConcurrencyError when `expectedSeq` is stale,
   * LeaseLostError when this worker lost the thread.
   */
  append(events: NewEvent[], expectedSeq: number | 'any'): Promise<readonly ThreadEvent[]>;
}

export interface LoopDeps {
  agent: AgentDefinition;
  model: StepModel;
  limits: GuardLimits;
  ids: IdSource;
  clock: Clock;
  /** A tool that has not answered by then fails with a `timeout` error the model sees. */
  toolTimeoutMs?: number;
  /** Hard stop: aborts the model call or tool in flight; nothing is appended for it. */
  signal?: AbortSignal;
  /** Soft stop: the step in flight finishes and is recorded, then the loop returns. */
  stopping?: AbortSignal;
  /** Without one the context grows as the thread does. */
  contextBudget?: ContextBudget;
}

export type LoopResult =
  | { outcome: 'paused'; status: Exclude<DerivedStatus, 'ready'>; iterations: number }
  | { outcome: 'aborted'; iterations: number }
  | { outcome: 'iteration_cap'; iterations: number };

const DEFAULT_TOOL_TIMEOUT_MS = 120_000;

/**
 * The thread in memory with the state its events fold to: what was loaded plus what this loop's own appends stored,
 * each stored event evolved into the state once. It is read (and folded) again only when it may differ from the
 * store: after a conflict, or when an append landed after events someone else wrote.
 */
class HeldThread {
  private held: { thread: Thread; events: ThreadEvent[] };
  private folded: ThreadState;
  private readonly evolve: Evolve;
  /** A read's step, held (in the thread and its state, not yet in the store) until its result commits with it. */
  private staged: { events: NewEvent[]; length: number; seq: number; state: ThreadState } | undefined;

  constructor(
    private readonly io: LoopIo,
    loaded: Thread,
    private readonly humanIntents: AgentDefinition['humanIntents'],
  ) {
    this.held = hold(loaded);
    this.evolve = createEvolve(humanIntents);
    this.folded = foldState(loaded.events, humanIntents);
  }

  get thread(): Thread {
    return this.held.thread;
  }

  get state(): ThreadState {
    return this.folded;
  }

  get hasStaged(): boolean {
    return this.staged !== undefined;
  }

  /**
   * Takes `events` into the thread as if stored; the next `append` stores them first, in the same commit, against
   * the thread as it was before them. Only for what may be lost without harm: a read's step, whose tool has no
   * effect outside the thread, so a crash before the commit costs a repeated model step and nothing else.
   */
  stage(events: NewEvent[]): void {
    const seq = lastSeq(this.held.thread);
    this.staged = { events, length: this.held.events.length, seq, state: this.folded };
    events.forEach((event, i) => {
      const provisional = { ...event, seq: seq + 1 + i } as ThreadEvent;
      this.held.events.push(provisional);
      this.folded = this.evolve(this.folded, provisional);
    });
  }

  /** Appends and keeps the stored events; when others' events landed in between, reads the thread again. */
  async append(events: NewEvent[], expectedSeq: number | 'any'): Promise<void> {
    const staged = this.staged;
    if (staged !== undefined) return this.appendStaged(staged, events);
    if (events.length === 0) return;
    const stored = await this.io.append(events, expectedSeq);
    if (stored[0]?.seq !== lastSeq(this.held.thread) + 1) return this.reload();
    this.keep(stored);
  }

  async reload(): Promise<void> {
    this.staged = undefined;
    const loaded = await this.io.load();
    this.held = hold(loaded);
    this.folded = foldState(loaded.events, this.humanIntents);
  }

  /** The staged step was decided on the thread as it stood: if anyone wrote since, it is dropped and decided again. */
  private async appendStaged(staged: NonNullable<HeldThread['staged']>, events: NewEvent[]): Promise<void> {
    this.staged = undefined;
    this.held.events.length = staged.length;
    this.folded = staged.state;
    try {
      this.keep(await this.io.append([...staged.events, ...events], staged.seq));
    } catch (error) {
      if (!HardwayError.isInstance(error, 'concurrency_conflict')) throw error;
      await this.reload();
    }
  }

  private keep(stored: readonly ThreadEvent[]): void {
    this.held.events.push(...stored);
    for (const e of stored) this.folded = this.evolve(this.folded, e);
  }
}

/** A copy the loop may grow: events it appends are pushed onto the thread's own array. */
function hold(loaded: Thread): { thread: Thread; events: ThreadEvent[] } {
  const events = [...loaded.events];
  return { thread: { id: loaded.id, agent: loaded.agent, events }, events };
}

/** Runs the thread until it pauses. `loaded` is the thread as just read under the lease; without it, it is loaded. */
export async function runLoop(io: LoopIo, deps: LoopDeps, loaded?: Thread): Promise<LoopResult> {
  const signal = deps.signal ?? new AbortController().signal;
  const ctx: DecideContext = { agent: deps.agent, limits: deps.limits, ids: deps.ids, clock: deps.clock };
  const held = new HeldThread(io, loaded ?? (await io.load()), deps.agent.humanIntents);
  const context = new ContextBuilder(deps.agent.render);
  const meter = new TokenMeter();
  // Every model step, tool run and prefetch is one iteration; guards escalate long before this cap.
  const cap = (deps.limits.maxSteps + deps.limits.maxConsecutiveErrors) * 3 + 10;
  for (let iteration = 0; iteration < cap; iteration++) {
    const { thread, state } = held;
    const now = { thread, state };
    const status = state.status;
    // Paused is paused, even if a stop (or the lease the pausing append released) came meanwhile.
    if (status !== 'ready') return { outcome: 'paused', status, iterations: iteration };
    // A soft stop lets a staged read finish: its step is stored with its result, not dropped.
    if (signal.aborted || (deps.stopping?.aborted && !held.hasStaged)) return { outcome: 'aborted', iterations: iteration };

    const prefetch = state.anyDecided ? [] : (deps.agent.prefetch?.(thread) ?? []);
    if (prefetch.length > 0) {
      await appendDecided(held, thread, decide(now, { type: 'prefetch', steps: prefetch }, ctx));
      continue;
    }

    const pending = state.pendingCall;
    if (pending !== undefined) {
      const need = deps.agent.approvalFor(pending.data, thread, state);
      const approval = approvalOf(state, pending.data.callId);
      if (need !== undefined && pending.data.origin === 'model' && approval !== 'granted') {
        // Defense in depth: a step recorded without its approval request (e.g. policy changed since) asks now.
        await held.append(
          [{ id: deps.ids.eventId(), at: deps.clock.now().toISOString(), type: 'approval_requested', data: { callId: pending.data.callId, intent: pending.data.intent, ...need } }],
          lastSeq(thread),
        );
        continue;
      }
      const outcome = await runTool(pending, thread, deps, signal);
      if (signal.aborted) return { outcome: 'aborted', iterations: iteration };
      // A tool outcome stays true whatever arrived meanwhile: append at the end.
      await held.append(decide(now, { type: 'record_tool_outcome', callId: pending.data.callId, outcome }, ctx), 'any');
      continue;
    }

    const spent = decide(now, { type: 'check_step_budget' }, ctx);
    if (spent.length > 0) {
      await appendDecided(held, thread, spent);
      continue;
    }

    const prompt = context.render(thread.events);
    const compacted = deps.contextBudget && compactionFor(thread.events, prompt, deps.contextBudget, deps.agent, meter);
    if (compacted) {
      // Recorded before the model sees the smaller context: the next iteration renders it from this event.
      await appendDecided(held, thread, [{ id: deps.ids.eventId(), at: deps.clock.now().toISOString(), type: 'context_compacted', data: compacted }]);
      continue;
    }
    const outcome = await deps.model(prompt, signal);
    if (signal.aborted) return { outcome: 'aborted', iterations: iteration };
    const decided = decide(now, { type: 'record_model_outcome', outcome }, ctx);
    if (isRead(decided, deps.agent)) held.stage(decided);
    else await appendDecided(held, thread, decided);
  }
  return { outcome: 'iteration_cap', iterations: cap };
}

/** One model step whose tool only reads: it is committed together with its result, one commit instead of two. */
function isRead(events: readonly NewEvent[], agent: AgentDefinition): boolean {
  const [only] = events;
  if (events.length !== 1 || only?.type !== 'step_decided') return false;
  return agent.tools[only.data.intent]?.mutates === false;
}

/** A decision is only valid for the thread it was made on: if someone appended meanwhile, drop it and re-decide. */
async function appendDecided(held: HeldThread, decidedOn: Thread, events: NewEvent[]): Promise<void> {
  try {
    await held.append(events, lastSeq(decidedOn));
  } catch (error) {
    if (!HardwayError.isInstance(error, 'concurrency_conflict')) throw error;
    await held.reload();
  }
}

async function runTool(
  decided: EventOf<'step_decided'>,
  thread: Thread,
  deps: LoopDeps,
  signal: AbortSignal,
): Promise<Extract<Command, { type: 'record_tool_outcome' }>['outcome']> {
  const tool = deps.agent.tools[decided.data.intent];
  if (tool === undefined) {
    return { ok: false, error: { kind: 'unknown_tool', message: `no tool handles "${decided.data.intent}"`, retryable: false } };
  }
  // The log holds arguments as data: they pass the agent's edge again (after a reload, or from an older version
  // of its schema) so the tool receives its own step's typed arguments and never re-validates them.
  const parsed = deps.agent.parseStep({ ...decided.data.args, intent: decided.data.intent });
  if (!parsed.ok) return { ok: false, error: { kind: 'invalid_input', message: parsed.reason, retryable: false } };
  const timeoutMs = deps.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const toolSignal = AbortSignal.any([signal, timeout]);
  // The tool gets the signal; a tool that ignores it is still not waited for past the deadline.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(toolSignal.reason);
    toolSignal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const result = await Promise.race([
      tool.run(parsed.step.args, {
        threadId: thread.id,
        callId: decided.data.callId,
        idempotencyKey: decided.data.idempotencyKey,
        signal: toolSignal,
      }),
      aborted,
    ]);
    return { ok: true, result: toJson(result) };
  } catch (error) {
    if (timeout.aborted && !signal.aborted) {
      return { ok: false, error: { kind: 'timeout', message: `no answer within ${timeoutMs} ms`, retryable: true } };
    }
    return { ok: false, error: deps.agent.toToolError(error) };
  } finally {
    if (onAbort) toolSignal.removeEventListener('abort', onAbort);
  }
}
