// The agent loop (factor 8): render → model → decide → run the tool or pause → append → again.
// The only place in the core with side effects, and all of them come in through `io` and `deps`.
import type { AgentDefinition, StepModel } from './agent.js';
import { decide, type Command, type DecideContext } from './decider.js';
import { HardwayError } from './errors.js';
import type { EventOf, NewEvent } from './events.js';
import type { GuardLimits } from './guards.js';
import type { Clock, IdSource } from './ids.js';
import { toJson } from './json.js';
import { renderContext } from './render.js';
import { foldState } from './state.js';
import { approvalState, deriveStatus, lastSeq, pendingCall, type DerivedStatus, type Thread } from './thread.js';

export interface LoopIo {
  load(): Promise<Thread>;
  /** Throws ConcurrencyError when `expectedSeq` is stale, LeaseLostError when this worker lost the thread. */
  append(events: NewEvent[], expectedSeq: number | 'any'): Promise<void>;
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
}

export type LoopResult =
  | { outcome: 'paused'; status: Exclude<DerivedStatus, 'ready'>; iterations: number }
  | { outcome: 'aborted'; iterations: number }
  | { outcome: 'iteration_cap'; iterations: number };

const DEFAULT_TOOL_TIMEOUT_MS = 120_000;

export async function runLoop(io: LoopIo, deps: LoopDeps): Promise<LoopResult> {
  const signal = deps.signal ?? new AbortController().signal;
  const ctx: DecideContext = { agent: deps.agent, limits: deps.limits, ids: deps.ids, clock: deps.clock };
  // Every model step, tool run and prefetch is one iteration; guards escalate long before this cap.
  const cap = (deps.limits.maxSteps + deps.limits.maxConsecutiveErrors) * 3 + 10;
  for (let iteration = 0; iteration < cap; iteration++) {
    if (signal.aborted || deps.stopping?.aborted) return { outcome: 'aborted', iterations: iteration };
    const thread = await io.load();
    const status = deriveStatus(thread.events, deps.agent.humanIntents);
    if (status !== 'ready') return { outcome: 'paused', status, iterations: iteration };

    const prefetch = thread.events.some((e) => e.type === 'step_decided') ? [] : (deps.agent.prefetch?.(thread) ?? []);
    if (prefetch.length > 0) {
      await appendDecided(io, thread, decide(thread, { type: 'prefetch', steps: prefetch }, ctx));
      continue;
    }

    const pending = pendingCall(thread.events, deps.agent.humanIntents);
    if (pending !== undefined) {
      const need = deps.agent.approvalFor(pending.data, thread, foldState(thread.events, deps.agent.humanIntents));
      const approval = approvalState(thread.events, pending.data.callId);
      if (need !== undefined && pending.data.origin === 'model' && approval !== 'granted') {
        // Defense in depth: a step recorded without its approval request (e.g. policy changed since) asks now.
        await io.append(
          [{ id: deps.ids.eventId(), at: deps.clock.now().toISOString(), type: 'approval_requested', data: { callId: pending.data.callId, intent: pending.data.intent, ...need } }],
          lastSeq(thread),
        );
        continue;
      }
      const outcome = await runTool(pending, thread, deps, signal);
      if (signal.aborted) return { outcome: 'aborted', iterations: iteration };
      // A tool outcome stays true whatever arrived meanwhile: append at the end.
      await io.append(decide(thread, { type: 'record_tool_outcome', callId: pending.data.callId, outcome }, ctx), 'any');
      continue;
    }

    const spent = decide(thread, { type: 'check_step_budget' }, ctx);
    if (spent.length > 0) {
      await appendDecided(io, thread, spent);
      continue;
    }

    const context = renderContext(thread.events, deps.agent.render);
    const outcome = await deps.model(context, signal);
    if (signal.aborted) return { outcome: 'aborted', iterations: iteration };
    await appendDecided(io, thread, decide(thread, { type: 'record_model_outcome', outcome }, ctx));
  }
  return { outcome: 'iteration_cap', iterations: cap };
}

/** A decision is only valid for the thread it was made on: if someone appended meanwhile, drop it and re-decide. */
async function appendDecided(io: LoopIo, thread: Thread, events: NewEvent[]): Promise<void> {
  try {
    await io.append(events, lastSeq(thread));
  } catch (error) {
    if (!HardwayError.isInstance(error, 'concurrency_conflict')) throw error;
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
      tool.run(decided.data.args, {
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
