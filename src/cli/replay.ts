// `hardway replay <thread> --from <seq>`: fork the thread, run the fork (dry run unless --live) and print where its
// steps part from the original's.
import type { AppConfig } from '../app/config.js';
import { createContainer } from '../app/container.js';
import { parseThreadId } from '../core/ids.js';
import type { DivergenceReport, StepComparison, TakenStep } from '../replay/divergence.js';
import type { ModelChoice } from '../replay/replayer.js';
import { silentLogger } from '../support/logger.js';

export interface ReplayCliOptions {
  from: string;
  live?: boolean;
  provider?: string;
  model?: string;
  baseUrl?: string;
  json?: boolean;
}

export async function replayInTerminal(config: AppConfig, raw: string, options: ReplayCliOptions, out: (line: string) => void = console.log): Promise<number> {
  const threadId = parseThreadId(raw);
  if (!threadId) throw new Error(`"${raw}" is not a thread id (they look like thr_…)`);
  const fromSeq = Number(options.from);
  if (!Number.isSafeInteger(fromSeq)) throw new Error(`--from must be a seq (a whole number), got "${options.from}"`);
  const model: ModelChoice = {
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.model ? { model: options.model } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  };
  const c = await createContainer(config, { logger: silentLogger });
  try {
    const started = await c.replayer.start({ threadId, fromSeq, live: options.live === true, model });
    const report = await started.finished;
    if (options.json === true) out(JSON.stringify(report, null, 2));
    else for (const line of describeReport(report, options.live === true)) out(line);
    return 0;
  } finally {
    await c.close();
  }
}

export function describeReport(r: DivergenceReport, live: boolean): string[] {
  const lines = [
    `replay ${r.replay.threadId} of ${r.original.threadId} from seq ${r.fromSeq} (${live ? 'live: mutations sent' : 'dry run: mutations not sent'})`,
    ...r.steps.map(describeStep),
    r.divergedAt === undefined ? 'no divergence: the replay took the original’s steps' : `first divergence at step ${r.divergedAt}`,
    `original: ${r.original.steps} steps, ${r.original.status}; replay: ${r.replay.steps} steps, ${r.replay.status}`,
  ];
  for (const m of r.notSent) lines.push(`not sent (seq ${m.seq}): ${m.intent} ${JSON.stringify(m.args)}`);
  if (r.stoppedFor !== undefined) lines.push(`stopped: ${r.stoppedFor}`);
  return lines;
}

function describeStep(s: StepComparison): string {
  const head = `step ${s.step}: ${s.verdict.replace('_', ' ')}`;
  switch (s.verdict) {
    case 'same':
      return `${head}  ${name(s.replay)}`;
    case 'different_args':
      return `${head}  ${name(s.original)} ${JSON.stringify(s.original?.args)} → ${JSON.stringify(s.replay?.args)}`;
    case 'different_intent':
      return `${head}  ${name(s.original)} → ${name(s.replay)}`;
    case 'original_ended':
      return `${head}; the replay went on: ${name(s.replay)}`;
    case 'replay_ended':
      return `${head}; the original went on: ${name(s.original)}`;
    default: {
      const unreachable: never = s.verdict;
      throw new Error(`unknown verdict ${String(unreachable)}`);
    }
  }
}

function name(step: TakenStep | undefined): string {
  return step === undefined ? '—' : (step.intent ?? '(not a valid step)');
}
