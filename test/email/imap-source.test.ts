// The IMAP source's own mechanics without a server: reconnect backoff, stopping mid-wait, the cursor file.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/core/backoff.js';
import { createFileCursorStore, createMemoryCursorStore } from '../../src/channels/email/inbound/imap-cursor-store.js';
import { createImapSource } from '../../src/channels/email/inbound/imap-source.js';
import { Secret } from '../../src/channels/shared/secret.js';
import { recordingLogger } from './support/harness.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('backoff', () => {
  it('doubles per attempt, stays within [half, full] of the step, and is capped', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 0)).toBe(400);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(50, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(50, policy, () => 0)).toBe(500);
  });
});

describe('IMAP source without a server', () => {
  it('retries with growing delays while the server is down, and stop() ends the wait at once', async () => {
    // A port that accepts and immediately closes: every connection attempt fails.
    const server: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const logger = recordingLogger();
    const source = createImapSource({
      settings: { host: '127.0.0.1', port, secure: false, user: 'u', password: new Secret('password-not-logged'), mailbox: 'INBOX', pollMs: 60_000 },
      intake: { receive: () => Promise.reject(new Error('never called')) },
      cursors: createMemoryCursorStore(),
      logger,
      maxBytes: 1024,
      backoff: { baseMs: 40, maxMs: 10_000 },
      random: () => 1,
    });
    source.start();
    const deadline = Date.now() + 5_000;
    while (logger.entries.filter((e) => e.msg === 'IMAP reconnecting').length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const delays = logger.entries.filter((e) => e.msg === 'IMAP reconnecting').map((e) => (e.obj as { delayMs: number }).delayMs);
    expect(delays.slice(0, 3)).toEqual([40, 80, 160]);
    // The next wait would be long; stop() must not sit it out.
    const started = Date.now();
    await source.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(logger.entries.at(-1)?.msg).toBe('IMAP source stopped');
    expect(JSON.stringify(logger.entries)).not.toContain('password-not-logged');
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('file cursor store', () => {
  it('keeps cursors per key across instances, writing through a temp file and rename', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hardway-cursors-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'cursors.json');
    const a = createFileCursorStore(path);
    expect(await a.load('box')).toBeUndefined();
    await Promise.all([a.save('box', { uidValidity: '17', lastUid: 3 }), a.save('other', { uidValidity: '9', lastUid: 1 })]);
    const b = createFileCursorStore(path);
    expect(await b.load('box')).toEqual({ uidValidity: '17', lastUid: 3 });
    expect(await b.load('other')).toEqual({ uidValidity: '9', lastUid: 1 });
    expect(await readdir(join(dir, 'nested'))).toEqual(['cursors.json']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ box: { uidValidity: '17', lastUid: 3 }, other: { uidValidity: '9', lastUid: 1 } });
  });

  it('refuses a corrupted file instead of silently starting over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hardway-cursors-'));
    dirs.push(dir);
    const path = join(dir, 'cursors.json');
    await writeFile(path, JSON.stringify({ box: { uidValidity: 17, lastUid: -1 } }));
    await expect(createFileCursorStore(path).load('box')).rejects.toThrow('not valid');
  });
});
