// Where the JSON logs go: stdout, written synchronously so the last line before an exit is never lost, and given
// up on once stdout is broken (the reader went away) so a log line can never hold the process, least of all its stop.
import { writeSync } from 'node:fs';

export interface LogDestination {
  write(line: string): void;
  /** True once a write failed for good: nothing more is written. */
  readonly broken: boolean;
}

export interface LogDestinationDeps {
  readonly fd?: number;
  readonly writeSync?: (fd: number, buffer: Uint8Array) => number;
  /** Told once, when the destination gives up (best effort: stderr may be gone too). */
  readonly onBroken?: (error: NodeJS.ErrnoException) => void;
  readonly setTimeout?: (fn: () => void, ms: number) => { unref(): unknown };
}

/** A pipe whose reader is slow answers EAGAIN; what did not fit waits here, up to this many bytes, oldest dropped. */
const maxPendingBytes = 1 << 20;
const retryMs = 20;

export function logDestination(deps: LogDestinationDeps = {}): LogDestination {
  const fd = deps.fd ?? 1;
  const write = deps.writeSync ?? writeSync;
  const later = deps.setTimeout ?? setTimeout;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  let broken = false;

  const giveUp = (error: NodeJS.ErrnoException) => {
    broken = true;
    pending.length = 0;
    pendingBytes = 0;
    deps.onBroken?.(error);
  };

  /** Writes what is pending until done, the pipe is full (retried later), or it fails for good. */
  const drain = () => {
    while (pending.length > 0 && !broken) {
      const head = pending[0] as Buffer;
      let n: number;
      try {
        n = write(fd, head);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        if (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK') return schedule();
        return giveUp(e);
      }
      pendingBytes -= n;
      if (n >= head.length) pending.shift();
      else pending[0] = head.subarray(n);
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // unref: a full pipe must not keep a stopping process alive; what is still pending at exit is dropped.
    later(() => {
      scheduled = false;
      drain();
    }, retryMs).unref();
  };

  return {
    get broken() {
      return broken;
    },
    write(line) {
      if (broken) return;
      const buffer = Buffer.from(line);
      pending.push(buffer);
      pendingBytes += buffer.length;
      // Dropped after the head, which may be a line already half written.
      while (pendingBytes > maxPendingBytes && pending.length > 2) pendingBytes -= (pending.splice(1, 1)[0] as Buffer).length;
      if (!scheduled) drain();
    },
  };
}

/** The process's stdout, saying once on stderr why logging stopped. */
export function stdoutLogDestination(): LogDestination {
  return logDestination({
    onBroken: (error) => {
      try {
        writeSync(2, `hardway: stdout is unusable (${error.code ?? error.message}); logging stopped, the process carries on\n`);
      } catch {
        // stderr is gone too: there is no one left to tell
      }
    },
  });
}
