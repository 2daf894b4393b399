// The decider (factor 12): (thread and its state, command) → new events. Pure: ids and time come in through the context.
import type { AgentDefinition, ModelOutcome, Step } from './agent.js';
import { HardwayError } from './errors.js';
import type { EventDataByType, EventType, NewEvent, StepUsage, ThreadEvent, ToolError } from './events.js';
import type { CallId, Clock, IdSource } from './ids.js';
import type { Json } from './json.js';
import {
  type GuardLimits,
  type GuardTrip,
  maxStepsReached,
  repeatedCall,
  sameFailingCall,
  tooManyErrors,
} from './guards.js';
import { decideHumanInput, type HumanInputCommand, type MayApprove } from './human-input.js';
import { createEvolve, foldState, type ThreadState } from './state.js';
import { findDecision, type Thread } from './thread.js';

export type Command =
  /** Asked before each model call: escalates when the step budget is spent, so no call is made to be thrown away. */
  | { type: 'check_step_budget' }
  | { type: 'record_model_outcome'; outcome: ModelOutcome }
  | { type: 'prefetch'; steps: Step[] }
  | { type: 'record_tool_outcome'; callId: CallId; outcome: { ok: true; result: Json } | { ok: false; error: ToolError } }
  /** Anything a person sent: what it means is decided in `human-input.ts`, the same for every channel. */
  | HumanInputCommand
  /**
   * The run kept failing outside the loop (the store refused an append, say), so nothing it produced could be
   * recorded: hand the thread to a human. `cause` must be short and free of what was refused, or it fails too.
   */
  | { type: 'record_run_failure'; failures: number; cause: string };

export interface DecideContext {
  agent: Pick<AgentDefinition, 'parseStep' | 'tools' | 'humanIntents' | 'approvalFor'>;
  limits: GuardLimits;
  ids: IdSource;
  clock: Clock;
  /** Who may decide approvals; anyone when not given. */
  mayApprove?: MayApprove;
}

type EventInit = { [T in EventType]: { type: T; data: EventDataByType[T] } }[EventType];

/** A thread with the state its events fold to: what a loop holding the thread in memory passes. */
export interface ThreadWithState {
  thread: Thread;
  state: ThreadState;
}

/** Given a bare thread, its state is folded here, once, and only if the command needs it. */
export function decide(input: Thread | ThreadWithState, command: Command, ctx: DecideContext): NewEvent[] {
  const thread = 'state' in input ? input.thread : input;
  let folded = 'state' in input ? input.state : undefined;
  const state = (): ThreadState => (folded ??= foldState(thread.events, ctx.agent.humanIntents));
  const stamp = (inits: EventInit[]): NewEvent[] => {
    const at = ctx.clock.now().toISOString();
    return inits.map((init) => ({ ...init, id: ctx.ids.eventId(), at }) as NewEvent);
  };
  switch (command.type) {
    case 'check_step_budget': {
      const trip = maxStepsReached(state(), ctx.limits);
      return trip ? stamp([escalation(trip)]) : [];
    }
    case 'record_model_outcome':
      return stamp(decideModelOutcome({ thread, state: state() }, command.outcome, ctx));
    case 'prefetch':
      return stamp(command.steps.map((step) => decision(thread, step, 'prefetch', ctx)));
    case 'record_tool_outcome':
      return stamp(decideToolOutcome({ thread, state: state() }, command, ctx));
    case 'human_input':
      return decideHumanInput({ thread, state: state() }, command, ctx).events;
    case 'record_run_failure':
      return stamp([
        escalation({ guard: 'run_failed', reason: `the run failed ${command.failures} times in a row outside the agent (${command.cause}); a human can retry it` }),
      ]);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

function decision(thread: Thread, step: Step, origin: 'model' | 'prefetch', ctx: DecideContext, usage?: StepUsage): EventInit {
  const callId = ctx.ids.callId();
  return {
    type: 'step_decided',
    data: {
      callId,
      intent: step.intent,
      args: step.args,
      idempotencyKey: `${thread.id}/${callId}`,
      origin,
      ...(usage ? { usage } : {}),
    },
  };
}

/** Appends an escalation when the failures the new events bring make too many in a row. */
function withErrorGuard(state: ThreadState, inits: EventInit[], ctx: DecideContext): EventInit[] {
  const evolve = createEvolve(ctx.agent.humanIntents);
  const projected = inits.reduce((s, init, i) => evolve(s, { ...init, id: '', at: '', seq: state.lastSeq + i + 1 } as ThreadEvent), state);
  const trip = tooManyErrors(projected, ctx.limits);
  return trip ? [...inits, escalation(trip)] : inits;
}

function escalation(trip: GuardTrip, proposed?: Step): EventInit {
  return { type: 'escalated', data: { guard: trip.guard, reason: trip.reason, ...(proposed ? { proposed } : {}) } };
}

function decideModelOutcome({ thread, state }: ThreadWithState, outcome: ModelOutcome, ctx: DecideContext): EventInit[] {
  switch (outcome.kind) {
    case 'unavailable':
      return withErrorGuard(state, [{ type: 'model_failed', data: { reason: outcome.reason, retryable: outcome.retryable } }], ctx);
    case 'invalid':
      return withErrorGuard(state, [{ type: 'step_rejected', data: { reason: outcome.reason, raw: outcome.usage.raw, usage: outcome.usage } }], ctx);
    case 'step':
      break;
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown model outcome ${JSON.stringify(unreachable)}`);
    }
  }
  const parsed = ctx.agent.parseStep(outcome.value);
  const isHuman = (intent: string): boolean =>
    ctx.agent.humanIntents.ask.includes(intent) || ctx.agent.humanIntents.done.includes(intent);
  const reject = (reason: string): EventInit[] =>
    withErrorGuard(state, [{ type: 'step_rejected', data: { reason, raw: outcome.usage.raw, usage: outcome.usage } }], ctx);
  if (!parsed.ok) return reject(parsed.reason);
  const step = parsed.step;
  const tool = ctx.agent.tools[step.intent];
  if (tool === undefined && !isHuman(step.intent)) return reject(`unknown intent "${step.intent}"`);

  // The loop checks the budget before calling; this keeps the decider alone from ever recording a step past it.
  const stepsTrip = maxStepsReached(state, ctx.limits);
  if (stepsTrip) return [escalation(stepsTrip, step)];
  if (tool !== undefined) {
    const trip =
      sameFailingCall(state, step) ??
      repeatedCall(state, step, (intent) => ctx.agent.tools[intent]?.mutates ?? true);
    if (trip) return [escalation(trip, step)];
  }
  const decided = decision(thread, step, 'model', ctx, outcome.usage);
  if (tool === undefined || decided.type !== 'step_decided') return [decided];
  const need = ctx.agent.approvalFor(step, thread, state);
  return need
    ? [decided, { type: 'approval_requested', data: { callId: decided.data.callId, intent: step.intent, summary: need.summary, policy: need.policy } }]
    : [decided];
}

function decideToolOutcome(
  { thread, state }: ThreadWithState,
  command: Extract<Command, { type: 'record_tool_outcome' }>,
  ctx: DecideContext,
): EventInit[] {
  // The call that ran is open in the state; only an outcome for a call already closed needs the events.
  const decided = state.openCalls.find((c) => c.decided.data.callId === command.callId)?.decided ?? findDecision(thread.events, command.callId);
  if (decided === undefined) throw new HardwayError('invalid_state', `no decided step ${command.callId}`);
  const { intent } = decided.data;
  if (command.outcome.ok) return [{ type: 'tool_succeeded', data: { callId: command.callId, intent, result: command.outcome.result } }];
  return withErrorGuard(state, [{ type: 'tool_failed', data: { callId: command.callId, intent, error: command.outcome.error } }], ctx);
}
