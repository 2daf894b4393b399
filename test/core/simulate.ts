// Long event sequences for state tests, from a seeded generator: a loop-like run through the real decider, and a
// looser one that also appends what only races or odd channels produce (late grants, decisions naming no call).
import { decide, type Command } from '../../src/core/decider.js';
import type { EventDataByType, EventType, NewEvent, ThreadEvent } from '../../src/core/events.js';
import { defaultGuardLimits } from '../../src/core/guards.js';
import { sequentialIds, type CallId, type EventId, type ThreadId } from '../../src/core/ids.js';
import type { JsonObject } from '../../src/core/json.js';
import { approvalOf, createEvolve, initialState, retryAllowed, type ThreadState } from '../../src/core/state.js';
import type { Thread } from '../../src/core/thread.js';
import { T0, email } from './fixtures.js';
import { testAgent } from './given.js';

/** mulberry32: small, seeded, and the same on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/** A few calls, so repeats (and the guards that catch them) happen often. */
const modelSteps: ReadonlyArray<{ intent: string } & JsonObject> = [
  { intent: 'list_teams' },
  { intent: 'list_teams', team: 'ops' },
  { intent: 'create_issue', title: 'Restock' },
  { intent: 'create_issue', title: 'Fix the door' },
  { intent: 'update_issue', issue_ids: ['OPS-1'], changes: { state_id: 'Done' } },
  { intent: 'request_more_information', message: 'Which team?' },
  { intent: 'request_approval', message: 'May I close OPS-1?' },
  { intent: 'done_for_now', message: 'Done.' },
];

type Init = { [T in EventType]: { type: T; data: EventDataByType[T] } }[EventType];

class Run {
  readonly events: ThreadEvent[] = [];
  state: ThreadState = initialState();
  private readonly evolve = createEvolve(testAgent.humanIntents);
  readonly ids = sequentialIds();
  private out = 0;
  private replies = 0;

  constructor(readonly rng: () => number) {}

  get thread(): Thread {
    return { id: 'thr_sim' as ThreadId, agent: testAgent.name, events: this.events };
  }

  append(events: NewEvent[]): void {
    for (const e of events) {
      const event = { ...e, seq: this.events.length + 1 } as ThreadEvent;
      this.events.push(event);
      this.state = this.evolve(this.state, event);
    }
  }

  raw(init: Init): void {
    this.append([{ ...init, id: this.ids.eventId(), at: T0 } as NewEvent]);
  }

  decide(command: Command): void {
    this.append(decide({ thread: this.thread, state: this.state }, command, { agent: testAgent, limits: defaultGuardLimits, ids: this.ids, clock: { now: () => new Date(T0) } }));
  }

  /** An emailed reply or decision carries its Message-ID; one from the API or the approval page does not. */
  messageId(): { messageId?: string } {
    return this.rng() < 0.6 ? { messageId: `<r${++this.replies}@example.com>` } : {};
  }

  deliver(): void {
    for (const n of this.state.pendingNotifications) {
      const channel = this.rng() < 0.85 ? 'email' : 'slack';
      this.raw({ type: 'message_sent', data: { channel, to: ['user@example.com'], inResponseTo: n.id, ...(this.rng() < 0.9 ? { messageId: `<o${++this.out}@hardway>` } : {}) } });
    }
  }

  modelStep(): void {
    const roll = this.rng();
    const usage = { model: 'sim', inputTokens: 1, outputTokens: 1, latencyMs: 1, raw: '{}' };
    if (roll < 0.07) return this.decide({ type: 'record_model_outcome', outcome: { kind: 'invalid', reason: 'not a step', usage } });
    if (roll < 0.11) return this.decide({ type: 'record_model_outcome', outcome: { kind: 'unavailable', reason: 'HTTP 503', retryable: this.rng() < 0.8 } });
    this.decide({ type: 'record_model_outcome', outcome: { kind: 'step', value: pick(this.rng, modelSteps), usage } });
  }

  reply(): void {
    this.raw({ type: 'human_replied', data: { channel: pick(this.rng, ['email', 'api']), from: 'user@example.com', message: 'go on', ...this.messageId() } });
  }
}

/** What a worker, a mail channel and a person would append, through the real decider. */
function decision(approve: boolean, reason?: string): Command {
  return { type: 'human_input', from: { channel: 'api', id: 'alex@company.com' }, input: { kind: 'decision', approve, ...(reason ? { reason } : {}) } };
}

function retry(channel: string): Command {
  return { type: 'human_input', from: { channel, id: 'alex@company.com' }, input: { kind: 'retry' } };
}

function loopStep(run: Run): void {
  const { rng, state } = run;
  if (state.pendingNotifications.length > 0 && rng() < 0.9) return run.deliver();
  switch (state.status) {
    case 'ready': {
      if (rng() < 0.04) return run.reply();
      const pending = state.pendingCall;
      if (pending !== undefined) {
        const need = testAgent.approvalFor(pending.data, run.thread, state);
        if (need !== undefined && pending.data.origin === 'model' && approvalOf(state, pending.data.callId) !== 'granted') {
          return run.raw({ type: 'approval_requested', data: { callId: pending.data.callId, intent: pending.data.intent, ...need } });
        }
        const ok = rng() < 0.7;
        return run.decide({
          type: 'record_tool_outcome',
          callId: pending.data.callId,
          outcome: ok ? { ok: true, result: { id: `r${state.length}` } } : { ok: false, error: { kind: 'invalid_input', message: 'bad', retryable: false } },
        });
      }
      if (!state.anyDecided && rng() < 0.5) return run.decide({ type: 'prefetch', steps: [{ intent: 'list_teams', args: {} }] });
      const before = run.events.length;
      run.decide({ type: 'check_step_budget' });
      if (run.events.length === before) run.modelStep();
      return;
    }
    case 'awaiting_approval': {
      const roll = rng();
      if (roll < 0.45) return run.decide(decision(true));
      if (roll < 0.65) return run.decide(decision(false, rng() < 0.5 ? 'not yet' : undefined));
      return run.reply();
    }
    case 'awaiting_human': {
      if (retryAllowed(state) && rng() < 0.5) return run.decide(retry('api'));
      if (state.lastFact === 'step_decided' && state.lastDecision?.data.intent === 'request_approval' && rng() < 0.6) {
        return run.decide(decision(rng() < 0.6));
      }
      return run.reply();
    }
    case 'done':
      return run.reply();
    case 'failed':
      return run.decide(retry('cli'));
    default: {
      const unreachable: never = state.status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

/** Also what only races and odd channels bring: late grants, decisions naming no call, stray deliveries, new mail. */
function oddStep(run: Run): void {
  const { rng, events } = run;
  const roll = rng();
  const requested = events.flatMap((e) => (e.type === 'approval_requested' ? [e.data.callId] : []));
  const decided = events.flatMap((e) => (e.type === 'step_decided' ? [e.data.callId] : []));
  if (roll < 0.04 && requested.length > 0) {
    return run.raw({ type: 'approval_granted', data: { callId: pick(rng, requested), by: 'late@company.com', ...run.messageId() } });
  }
  if (roll < 0.07) return run.raw({ type: rng() < 0.5 ? 'approval_granted' : 'approval_denied', data: { by: 'someone@company.com', ...run.messageId() } } as Init);
  if (roll < 0.09 && decided.length > 0) {
    const callId: CallId = pick(rng, decided);
    return run.raw({ type: 'approval_requested', data: { callId, intent: 'update_issue', summary: 'again', policy: 'p' } });
  }
  if (roll < 0.11 && events.length > 0) {
    return run.raw({ type: 'message_sent', data: { channel: 'email', to: ['x@y'], inResponseTo: pick(rng, events).id as EventId, messageId: `<stray${events.length}@hardway>` } });
  }
  if (roll < 0.12) return run.raw({ type: 'message_received', data: email('another request', undefined, { messageId: `<new${events.length}@example.com>` }) });
  if (roll < 0.13) return run.raw({ type: 'message_received', data: { channel: 'sms', from: '+1555', text: 'hello' } });
  if (roll < 0.14) return run.raw({ type: 'escalated', data: { guard: 'run_failed', reason: 'r' } });
  if (roll < 0.15) return run.raw({ type: 'thread_failed', data: { reason: 'r' } });
  if (roll < 0.16 && run.state.pendingCall === undefined) {
    return run.raw({ type: 'step_decided', data: { callId: run.ids.callId(), intent: 'list_teams', args: {}, idempotencyKey: 'k', origin: 'prefetch' } });
  }
  loopStep(run);
}

export function simulate(seed: number, length: number, kind: 'loop' | 'odd'): ThreadEvent[] {
  const run = new Run(seeded(seed));
  run.raw({ type: 'message_received', data: email('make an issue for Austin to restock the fridges') });
  while (run.events.length < length) (kind === 'loop' ? loopStep : oddStep)(run);
  return run.events.slice(0, length);
}
