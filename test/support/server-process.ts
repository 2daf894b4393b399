// A real `hardway serve` in a child process, for tests that need separate processes (scale-out, SIGTERM). It is
// one process (bin/hardway.js registers tsx's loader in-process, as `npm start` runs it), so `child.pid` is the
// server, and it leads its own process group, which `stop` ends as a whole.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnOwned, stopGroup } from './children.js';
import { freePort } from './free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every log line so far, parsed (pino JSON). */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Sends `signal` to the server's process group, SIGKILLs it after a bounded wait, and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnOwned(process.execPath, ['bin/hardway.js', 'serve'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BAML_LOG: 'error', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!lines.some((l) => l.msg === 'hardway is serving')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopGroup(child, 'SIGKILL');
      throw new Error(`server did not start:\n${stderr}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    logs: () => lines,
    exited,
    async stop(signal = 'SIGTERM') {
      await stopGroup(child, signal);
      return exited;
    },
  };
}
