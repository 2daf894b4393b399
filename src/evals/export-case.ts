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

type ModelStep = EventOf<'step_decided'> & { data: { usage: NonNullable<EventOf<'step_decided'>['data']['usage']> } };

/** Only a step the model took carries its reply; prefetch steps were decided by code. */
function isModelStep(e: ThreadEvent): e is ModelStep {
  return e.type === 'step_decided' && e.data.origin === 'model' && e.data.usage !== undefined;
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
  return {
    version: 1,
    name: options.name ?? `${thread.id}-${step.seq}-${step.data.intent}`,
    agent: thread.agent,
    source: { thread: thread.id, exportedAt: options.exportedAt },
    events: thread.events.filter((e) => e.seq < step.seq).map((e) => ({ id: e.id, seq: e.seq, type: e.type, at: e.at, data: jsonData(e) })),
    step: { seq: step.seq, intent: step.data.intent, args: step.data.args, raw: step.data.usage.raw, model: step.data.usage.model },
    assert: {
      ...(asserted ? (given.intent === undefined ? {} : { intent: given.intent }) : { intent: step.data.intent }),
      require: given.require ?? [],
      forbidIntents: given.forbidIntents ?? [],
    },
  };
}
