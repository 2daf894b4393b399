// The answers `hardway run` reads: typed at a terminal or piped in, one line per question or approval prompt.
// Lines that arrive before their prompt wait their turn (readline's question() would drop them); the end of the
// input is an answer too: "no more answers".
import { createInterface } from 'node:readline';

export interface Answers {
  /** Shows the prompt and resolves with the next line, or undefined once the input has ended. */
  ask(prompt: string): Promise<string | undefined>;
  close(): void;
}

export function readAnswers(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, terminal: boolean): Answers {
  // At a terminal readline edits the line and echoes it; piped, the answer is echoed here so the transcript reads
  // as a conversation.
  const rl = createInterface({ input, crlfDelay: Infinity, ...(terminal ? { output, terminal: true } : { terminal: false }) });
  // Ctrl-C at a prompt stops the command, as anywhere else (readline would otherwise only pause the input).
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  const early: string[] = [];
  let ended = false;
  let waiting: ((line: string | undefined) => void) | undefined;
  rl.on('line', (line) => {
    const take = waiting;
    waiting = undefined;
    if (take) take(line);
    else early.push(line);
  });
  rl.on('close', () => {
    ended = true;
    const take = waiting;
    waiting = undefined;
    take?.(undefined);
  });
  const echo = (line: string | undefined) => {
    if (!terminal) output.write(line === undefined ? '\n' : `${line}\n`);
    return line;
  };
  return {
    ask(prompt) {
      if (terminal) {
        rl.setPrompt(prompt);
        rl.prompt();
      } else output.write(prompt);
      const next = early.shift();
      if (next !== undefined || ended) return Promise.resolve(echo(next));
      return new Promise((resolve) => {
        waiting = (line) => resolve(echo(line));
      });
    },
    close: () => rl.close(),
  };
}
