// An eval case as a file: a stored thread's events up to one model step, the step the model took there, and what a
// model must do at that point to pass. Versioned, parsed with zod whenever it is read (cases are edited by hand).
import { z } from 'zod';
import type { ThreadEvent } from '../core/events.js';
import { HardwayError } from '../core/errors.js';
import { toEvent } from '../store/rows.js';
import { eventDataProblem, json, jsonObject } from './event-data.js';
import type { Upcasters } from '../core/upcast.js';

/** What a model's step must satisfy. Each entry is one named assertion in the report. */
export const caseAssertionsSchema = z.strictObject({
  /** The step's intent must be this one. */
  intent: z.string().min(1).optional(),
  /** Each path (dotted, into the step as the model wrote it: `issue.team_id`) must hold exactly this value. */
  require: z.array(z.strictObject({ path: z.string().min(1), equals: json })).default([]),
  /** The step's intent must be none of these. */
  forbidIntents: z.array(z.string().min(1)).default([]),
});
export type CaseAssertions = z.infer<typeof caseAssertionsSchema>;

const storedEventSchema = z.object({ id: z.string().min(1), seq: z.number().int().positive(), type: z.string().min(1), at: z.string().min(1), data: jsonObject });

export const evalCaseSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  agent: z.string().min(1),
  /** Where it was exported from, for a person reading it. */
  source: z.strictObject({ thread: z.string(), exportedAt: z.string() }),
  /** The thread's events before the step, as stored. The context is rendered from them each time the case runs. */
  events: z.array(storedEventSchema),
  /** The step the model took on these events when the thread ran: its intent and arguments, or why it was rejected. */
  step: z
    .strictObject({
      seq: z.number().int().positive(),
      intent: z.string().min(1).optional(),
      args: jsonObject.optional(),
      /** The agent refused the reply (no step, an unknown intent, bad arguments): a model must do better here. */
      rejected: z.string().min(1).optional(),
      /** The model's reply as it came: the offline mode runs it through the agent's parser again. */
      raw: z.string(),
      model: z.string().optional(),
    })
    .refine((s) => (s.rejected === undefined ? s.intent !== undefined && s.args !== undefined : s.intent === undefined && s.args === undefined), {
      message: 'a step has an intent and args, or (a rejected reply) the reason it was rejected, not both',
    }),
  assert: caseAssertionsSchema,
});
export type EvalCase = z.infer<typeof evalCaseSchema>;

export type CaseRead = { ok: true; case: EvalCase } | { ok: false; problem: string };

export function parseEvalCase(text: string): CaseRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = evalCaseSchema.safeParse(value);
  if (!parsed.success) return { ok: false, problem: z.prettifyError(parsed.error) };
  const seqs = parsed.data.events.map((e) => e.seq);
  if (seqs.some((seq, i) => seq !== i + 1) || parsed.data.step.seq !== seqs.length + 1) {
    return { ok: false, problem: 'events must be the thread from seq 1, without gaps, ending just before the step' };
  }
  return { ok: true, case: parsed.data };
}

/**
 * The case's events as the store reads its own rows (one reader, so retired event types upcast the same way), each
 * one's data checked against its type first: a case is a file a person may have edited.
 */
export function caseEvents(c: EvalCase, upcasters?: Upcasters): ThreadEvent[] {
  return c.events.map((stored) => {
    const event = toEvent(stored, stored.data, upcasters);
    const problem = eventDataProblem(event.type, event.data);
    if (problem !== undefined) throw new HardwayError('invalid_input', `case ${c.name}: event ${stored.seq} (${stored.type}) is not a valid ${event.type}: ${problem}`);
    return event;
  });
}
