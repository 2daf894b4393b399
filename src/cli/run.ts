// `hardway run "<message>"`: one thread, followed in this terminal. Each event is printed as it is appended;
// while the model thinks a spinner turns; when the agent asks a human, this terminal asks you.
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../app/config.js';
import { createContainer } from '../app/container.js';
import { silentLogger } from '../app/logger.js';
import { deriveStatus } from '../core/thread.js';
import { describeEvent, humanText } from './format.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function runInTerminal(config: AppConfig, message: string, from: string): Promise<number> {
  const c = await createContainer(config, { logger: silentLogger });
  const tty = process.stdout.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  let shown = 0;
  let frame = 0;
  const spin = tty ? setInterval(() => process.stdout.write(`\r${frames[frame++ % frames.length]} working…`), 100) : undefined;
  const clearSpin = () => tty && process.stdout.write('\r\x1b[2K');
  try {
    const id = await c.service.launch({ message, from, channel: 'cli' });
    console.log(`thread ${id}`);
    for (;;) {
      await c.worker.drain();
      const thread = await c.service.load(id);
      clearSpin();
      for (const e of thread.events.slice(shown)) console.log(describeEvent(e));
      shown = thread.events.length;
      const status = deriveStatus(thread.events, c.agents.get(thread.agent)?.definition.humanIntents);
      const text = [...thread.events].reverse().map(humanText).find((t) => t !== undefined);
      if (status === 'done') {
        console.log(`\n${text ?? 'done'}`);
        return 0;
      }
      if (status === 'failed') {
        console.error(`\n${text ?? 'failed'}`);
        return 1;
      }
      if (status === 'awaiting_approval') {
        const reply = (await rl.question(`\nApprove? ${text ?? ''}\n[y/N, or a reason to deny] `)).trim();
        const approved = /^(y|yes|approve)$/i.test(reply);
        await c.service.respond(id, { type: 'approval', approved, by: from, channel: 'cli', ...(!approved && reply && !/^(n|no)$/i.test(reply) ? { comment: reply } : {}) });
        continue;
      }
      if (status === 'awaiting_human') {
        const reply = (await rl.question(`\n${text ?? 'The assistant needs you.'}\n> `)).trim();
        if (!reply) return 2;
        await c.service.respond(id, { type: 'response', message: reply, from, channel: 'cli' });
        continue;
      }
      // Still ready: a worker elsewhere holds it, or it is backing off after a failed run. Look again later.
      await sleep(c.config.worker.pollMs);
    }
  } finally {
    clearInterval(spin);
    rl.close();
    await c.close();
  }
}
