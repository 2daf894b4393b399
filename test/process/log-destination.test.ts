// The log destination under a pipe that fills or breaks, driven by a scripted writeSync (#9.11).
import { describe, expect, it } from 'vitest';
import { logDestination } from '../../src/support/log-destination.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe('log destination', () => {
  it('#9.11c: a broken pipe stops the writes for good, told once; nothing is retried', () => {
    const attempts: string[] = [];
    const told: string[] = [];
    const d = logDestination({
      writeSync: (_fd, buffer) => {
        attempts.push(Buffer.from(buffer).toString());
        throw errno('EPIPE');
      },
      onBroken: (e) => told.push(e.code ?? ''),
    });
    d.write('stopping\n');
    d.write('stopped\n');
    expect(attempts).toEqual(['stopping\n']);
    expect(told).toEqual(['EPIPE']);
    expect(d.broken).toBe(true);
  });

  it('#9.11c: a full pipe (EAGAIN) keeps lines in order and writes them when it drains', () => {
    const written: string[] = [];
    const timers: Array<() => void> = [];
    let full = true;
    const d = logDestination({
      writeSync: (_fd, buffer) => {
        if (full) throw errno('EAGAIN');
        // A partial write: the pipe takes 3 bytes at a time.
        written.push(Buffer.from(buffer).subarray(0, 3).toString());
        return Math.min(3, buffer.length);
      },
      setTimeout: (fn) => {
        timers.push(fn);
        return { unref: () => undefined };
      },
    });
    d.write('one\n');
    d.write('two\n');
    expect(written).toEqual([]);
    expect(timers).toHaveLength(1);
    full = false;
    timers.shift()?.();
    expect(written.join('')).toBe('one\ntwo\n');
    expect(d.broken).toBe(false);
  });
});
