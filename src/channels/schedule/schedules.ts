// SCHEDULES: the scheduled triggers in config, a JSON array parsed and checked once at startup; a bad entry stops the
// start with the entry and the problem named.
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { HardwayError } from '../../core/errors.js';

export interface Schedule {
  /** Unique; with the tick's time it is the tick's delivery id, so renaming a schedule forgets what it ran. */
  name: string;
  cron: string;
  timezone: string;
  agent: string;
  message: string;
  /** How old a tick missed while every process was down may be and still run on start; 0 runs none. */
  maxCatchUpMs: number;
}

const entry = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'name must be lowercase letters, digits, ".", "_" or "-"'),
    cron: z.string().min(1),
    timezone: z.string().min(1).default('UTC'),
    agent: z.string().min(1),
    message: z.string().min(1),
    maxCatchUpHours: z.number().min(0).max(24 * 366).default(0),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!validTimezone(s.timezone)) ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${s.timezone}"` });
    try {
      CronExpressionParser.parse(s.cron, { tz: 'UTC' });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron "${s.cron}": ${error instanceof Error ? error.message : String(error)}` });
    }
  });

const list = z.array(entry).superRefine((entries, ctx) => {
  const seen = new Set<string>();
  entries.forEach((s, i) => {
    if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two schedules are named "${s.name}"` });
    seen.add(s.name);
  });
});

/** The schedules in `SCHEDULES`, none when unset; throws `invalid_input` naming the problem. */
export function readSchedules(raw: string | undefined, agents: readonly string[]): Schedule[] {
  if (raw === undefined || raw.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new HardwayError('invalid_input', `SCHEDULES is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = list.safeParse(json);
  if (!parsed.success) throw new HardwayError('invalid_input', `invalid SCHEDULES:\n${z.prettifyError(parsed.error)}`);
  return parsed.data.map((s, i) => {
    if (!agents.includes(s.agent)) {
      throw new HardwayError('invalid_input', `invalid SCHEDULES: schedule "${s.name}" (at ${i}) names unknown agent "${s.agent}" (known: ${agents.join(', ')})`);
    }
    return { name: s.name, cron: s.cron, timezone: s.timezone, agent: s.agent, message: s.message, maxCatchUpMs: s.maxCatchUpHours * 3_600_000 };
  });
}

function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
