// `hardway run "<message>"`: one thread, followed in this terminal. Each event is printed as it is appended;
// while the model thinks a spinner turns; when the agent asks a human, this terminal asks you, and answers can
// be piped in, one line per question or approval.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../app/config.js';
import { createContainer } from '../app/container.js';
import { silentLogger } from '../support/logger.js';
import { deriveStatus, noHumanIntents } from '../core/thread.js';
import { readAnswers } from './answers.js';
import { describeEvent, humanText } from './format.js';

/** `hardway run`'s exit codes (the CLI help and the README list them). */
export const runExitCodes = {
  done: 0,
  failed: 1,
  /** No answer (the input ended, or an empty answer to a question): the thread waits, to be answered later. */
  waiting: 3,
} as const;

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function runInTerminal(config: AppConfig, message: string, from: string): Promise<number> {
  const c = await createContainer(config, { logger: silentLogger });
  const tty = process.stdout.isTTY === true;
  const answers = readAnswers(process.stdin, process.stdout, tty && process.stdin.isTTY === true);
  let shown = 0;
  let frame = 0;
  const spin = tty ? setInterval(() => process.stdout.write(`\r${frames[frame++ % frames.length]} working…`), 100) : undefined;
  const clearSpin = () => tty && process.stdout.write('\r\x1b[2K');
  const later = (id: string, how: string) => {
    console.log(`\nthread ${id} is waiting for you. Answer it later with:\n  ${how}\n(a running \`hardway serve\` picks it up from there)`);
    return runExitCodes.waiting;
  };
  try {
    const id = await c.service.launch({ message, from, channel: 'cli' });
    console.log(`thread ${id}`);
    for (;;) {
      await c.worker.drain();
      const thread = await c.service.load(id);
      clearSpin();
      for (const e of thread.events.slice(shown)) console.log(describeEvent(e));
      shown = thread.events.length;
      const status = deriveStatus(thread.events, c.agents.get(thread.agent)?.definition.humanIntents ?? noHumanIntents);
      const text = [...thread.events].reverse().map(humanText).find((t) => t !== undefined);
      switch (status) {
        case 'done':
          console.log(`\n${text ?? 'done'}`);
          return runExitCodes.done;
        case 'failed':
          console.error(`\n${text ?? 'failed'}`);
          return runExitCodes.failed;
        case 'awaiting_approval': {
          const line = await answers.ask(`\nApprove? ${text ?? ''}\n[y/N, or a reason to deny] `);
          if (line === undefined) return later(id, `hardway approve ${id}   (or: hardway deny ${id} <reason>)`);
          const reply = line.trim();
          const approved = /^(y|yes|approve)$/i.test(reply);
          await c.service.respond(id, { type: 'approval', approved, by: from, channel: 'cli', ...(!approved && reply && !/^(n|no)$/i.test(reply) ? { comment: reply } : {}) });
          break;
        }
        case 'awaiting_human': {
          const reply = (await answers.ask(`\n${text ?? 'The assistant needs you.'}\n> `))?.trim();
          if (!reply) return later(id, `hardway respond ${id} <your answer>`);
          await c.service.respond(id, { type: 'response', message: reply, from, channel: 'cli' });
          break;
        }
        case 'ready':
          // Still ready: a worker elsewhere holds it, or it is backing off after a failed run. Look again later.
          await sleep(c.config.worker.pollMs);
          break;
        default: {
          const unreachable: never = status;
          throw new Error(`unknown status ${String(unreachable)}`);
        }
      }
    }
  } finally {
    clearInterval(spin);
    answers.close();
    await c.close();
  }
}
