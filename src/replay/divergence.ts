// Where a replay's steps part from the original's after the seq it forked at, step by step. Pure.
import type { ThreadEvent } from '../core/events.js';
import type { Json } from '../core/json.js';
import { deriveStatus, type DerivedStatus, type HumanIntents, type Thread } from '../core/thread.js';
import { isHeldMutation } from './dry-run.js';

/** A step the model took (or failed to take: `intent` is null for an answer that was not a valid step). */
export interface TakenStep {
  seq: number;
  intent: string | null;
  args: Json;
}

export type StepVerdict = 'same' | 'different_args' | 'different_intent' | 'original_ended' | 'replay_ended';

export interface StepComparison {
  /** 1 for the first step after the fork point. */
  step: number;
  verdict: StepVerdict;
  original?: TakenStep;
  replay?: TakenStep;
}

export interface DivergenceReport {
  original: { threadId: string; status: DerivedStatus; steps: number };
  replay: { threadId: string; status: DerivedStatus | 'running'; steps: number };
  fromSeq: number;
  steps: StepComparison[];
  /** The first step whose verdict is not `same`; absent when the replay took exactly the original's steps. */
  divergedAt?: number;
  /** Mutations the replay decided but did not send (dry run). */
  notSent: { seq: number; intent: string; args: Json }[];
  /** Why the replay stopped when it stopped for a person (a question, an answer, an approval, an escalation). */
  stoppedFor?: string;
}

/** The model's steps after `fromSeq`: code's prefetch steps are not the model's choices. */
export function stepsAfter(events: readonly ThreadEvent[], fromSeq: number): TakenStep[] {
  const steps: TakenStep[] = [];
  for (const e of events) {
    if (e.seq <= fromSeq) continue;
    if (e.type === 'step_decided' && e.data.origin === 'model') steps.push({ seq: e.seq, intent: e.data.intent, args: e.data.args });
    else if (e.type === 'step_rejected') steps.push({ seq: e.seq, intent: null, args: e.data.reason });
  }
  return steps;
}

export function compareSteps(original: readonly TakenStep[], replay: readonly TakenStep[]): StepComparison[] {
  const out: StepComparison[] = [];
  for (let i = 0; i < Math.max(original.length, replay.length); i++) {
    const o = original[i];
    const r = replay[i];
    const verdict: StepVerdict =
      o === undefined ? 'original_ended' : r === undefined ? 'replay_ended' : o.intent !== r.intent ? 'different_intent' : sameJson(o.args, r.args) ? 'same' : 'different_args';
    out.push({ step: i + 1, verdict, ...(o ? { original: o } : {}), ...(r ? { replay: r } : {}) });
  }
  return out;
}

export function divergenceReport(input: {
  original: Thread;
  replay: Thread;
  fromSeq: number;
  humanIntents: HumanIntents;
  running: boolean;
}): DivergenceReport {
  const { original, replay, fromSeq, humanIntents } = input;
  const originalSteps = stepsAfter(original.events, fromSeq);
  const replaySteps = stepsAfter(replay.events, fromSeq);
  const steps = compareSteps(originalSteps, replaySteps);
  const divergedAt = steps.find((s) => s.verdict !== 'same')?.step;
  const status = deriveStatus(replay.events, humanIntents);
  const stoppedFor = input.running ? undefined : personStop(replay.events, fromSeq, humanIntents);
  return {
    original: { threadId: original.id, status: deriveStatus(original.events, humanIntents), steps: originalSteps.length },
    replay: { threadId: replay.id, status: input.running ? 'running' : status, steps: replaySteps.length },
    fromSeq,
    steps,
    ...(divergedAt !== undefined ? { divergedAt } : {}),
    notSent: replay.events.flatMap((e) =>
      e.seq > fromSeq && e.type === 'tool_succeeded' && isHeldMutation(e.data.result) ? [{ seq: e.seq, intent: e.data.intent, args: heldArgs(e.data.result) }] : [],
    ),
    ...(stoppedFor !== undefined ? { stoppedFor } : {}),
  };
}

function heldArgs(result: Json): Json {
  return typeof result === 'object' && result !== null && !Array.isArray(result) ? (result.args ?? null) : null;
}

/** The last event after the fork that handed the replay to a person, in words. */
function personStop(events: readonly ThreadEvent[], fromSeq: number, humanIntents: HumanIntents): string | undefined {
  for (const e of [...events].reverse()) {
    if (e.seq <= fromSeq) return undefined;
    switch (e.type) {
      case 'step_decided':
        if (humanIntents.ask.includes(e.data.intent)) return `asked a person (${e.data.intent}); nobody was contacted`;
        if (humanIntents.done.includes(e.data.intent)) return `answered a person (${e.data.intent}); nobody was contacted`;
        return undefined;
      case 'approval_requested':
        return `asked for approval of ${e.data.intent} (${e.data.policy}); nobody was asked`;
      case 'escalated':
        return `escalated to a person (${e.data.guard}); nobody was contacted`;
      case 'message_sent':
      case 'thread_stopped':
        continue;
      case 'message_received':
      case 'tool_succeeded':
      case 'tool_failed':
      case 'step_rejected':
      case 'model_failed':
      case 'approval_granted':
      case 'approval_denied':
      case 'human_replied':
      case 'thread_failed':
      case 'retry_requested':
      case 'context_compacted':
        return undefined;
      default: {
        const unreachable: never = e;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return undefined;
}

/** Equal as JSON values, whatever the order of object keys. */
function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i] ?? null));
  }
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => k in b && sameJson(a[k] ?? null, b[k] ?? null));
}
