// A stored thread turned into an eval case: the events before one model step, that step, and the assertions.
import { HardwayError } from '../core/errors.js';
import type { EventOf, ThreadEvent } from '../core/events.js';
import { isJsonObject, toJson, type JsonObject } from '../core/json.js';
import type { Thread } from '../core/thread.js';
import type { CaseAssertions, EvalCase } from './eval-case.js';

export interface ExportOptions {
  /** The model step to capture: the last one at or before this seq. Default: the thread's last model step. */
  upto?: number;
  name?: string;
  /** Without any, the case asserts the intent the model chose. */
  assert?: Partial<CaseAssertions>;
  exportedAt: string;
}

type DecidedStep = EventOf<'step_decided'> & { data: { usage: NonNullable<EventOf<'step_decided'>['data']['usage']> } };
type ModelStep = DecidedStep | EventOf<'step_rejected'>;

/**
 * A reply the model gave: a step it took (only those carry the reply; prefetch steps were decided by code), or one
 * the agent rejected, which keeps its raw reply too.
 */
function isModelStep(e: ThreadEvent): e is ModelStep {
  return (e.type === 'step_decided' && e.data.origin === 'model' && e.data.usage !== undefined) || e.type === 'step_rejected';
}

function recordedStep(e: ModelStep): EvalCase['step'] {
  const model = e.data.usage?.model;
  const taken = e.type === 'step_decided' ? { intent: e.data.intent, args: e.data.args } : { rejected: e.data.reason };
  return { seq: e.seq, ...taken, raw: e.type === 'step_decided' ? e.data.usage.raw : e.data.raw, ...(model === undefined ? {} : { model }) };
}

function jsonData(e: ThreadEvent): JsonObject {
  const data = toJson(e.data);
  return isJsonObject(data) ? data : {};
}

export function exportCase(thread: Thread, options: ExportOptions): EvalCase {
  const upto = options.upto ?? Number.POSITIVE_INFINITY;
  const step = thread.events.filter((e) => e.seq <= upto).findLast(isModelStep);
  if (step === undefined) {
    const where = options.upto === undefined ? '' : ` at or before seq ${options.upto}`;
    throw new HardwayError('invalid_input', `thread ${thread.id} has no model step${where} to export`);
  }
  const given = options.assert ?? {};
  const asserted = given.intent !== undefined || (given.require?.length ?? 0) > 0 || (given.forbidIntents?.length ?? 0) > 0;
  const intent = step.type === 'step_decided' ? step.data.intent : undefined;
  // With no assertion given, a decided step asserts its own intent; a rejected reply asserts only a step the agent
  // accepts (a reply that does not parse fails as `parse`).
  const byDefault = intent === undefined ? {} : { intent };
  return {
    version: 1,
    name: options.name ?? `${thread.id}-${step.seq}-${intent ?? 'rejected'}`,
    agent: thread.agent,
    source: { thread: thread.id, exportedAt: options.exportedAt },
    events: thread.events.filter((e) => e.seq < step.seq).map((e) => ({ id: e.id, seq: e.seq, type: e.type, at: e.at, data: jsonData(e) })),
    step: recordedStep(step),
    assert: {
      ...(asserted ? (given.intent === undefined ? {} : { intent: given.intent }) : byDefault),
      require: given.require ?? [],
      forbidIntents: given.forbidIntents ?? [],
    },
  };
}
