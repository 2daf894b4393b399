// Reads mail from an IMAP mailbox into the pipeline: IDLE (with a polling fallback), remembering how far it got.
//
// New messages are found by UID above the saved cursor, fed to the intake one by one, then marked \Seen (and moved,
// when configured) and the cursor advanced. A crash between intake and cursor means the message is read again,
// which the Message-ID dedupe makes harmless. A scan from the start (first run, UIDVALIDITY changed) skips mail
// already \Seen.
import type { ConnectionOptions } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from '../../../core/backoff.js';
import type { ImapSettings } from '../config.js';
import type { ImapCursor, ImapCursorStore } from './imap-cursor-store.js';
import type { EmailIntake, IntakeOutcome } from './intake.js';
import type { ChannelLogger } from '../logger.js';
import { Wakeup } from '../../shared/wakeup.js';

export interface ImapSourceDeps {
  settings: ImapSettings;
  intake: EmailIntake;
  cursors: ImapCursorStore;
  logger: ChannelLogger;
  /** Larger messages are not downloaded: logged, marked \Seen and skipped. */
  maxBytes: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** Extra TLS options (a private CA, for instance). */
  tls?: ConnectionOptions;
  /** Told after each message; for metrics and tests. */
  onProcessed?: (event: { uid: number; outcome: IntakeOutcome }) => void;
}

export interface ImapSource {
  /** Starts the background loop; returns at once. */
  start(): void;
  /** Stops after the message in hand and logs out; resolves when the connection is closed. */
  stop(): Promise<void>;
}

const LOGOUT_TIMEOUT_MS = 5_000;

export function createImapSource(deps: ImapSourceDeps): ImapSource {
  const { settings, logger } = deps;
  const key = `${settings.user}@${settings.host}:${settings.port}/${settings.mailbox}`;
  const wakeup = new Wakeup();
  let stopping = false;
  let loop: Promise<void> | undefined;

  async function closeQuietly(client: ImapFlow): Promise<void> {
    if (!client.usable) {
      client.close();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.logout(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, LOGOUT_TIMEOUT_MS);
        }),
      ]);
    } catch {
      // The server went away during LOGOUT: closing below is all that is left to do.
    } finally {
      clearTimeout(timer);
      client.close();
    }
  }

  async function cursorFor(uidValidity: bigint): Promise<ImapCursor> {
    const saved = await deps.cursors.load(key);
    const current = uidValidity.toString();
    if (saved !== undefined && saved.uidValidity === current) return saved;
    if (saved !== undefined) {
      logger.warn({ mailbox: settings.mailbox, was: saved.uidValidity, now: current }, 'IMAP UIDVALIDITY changed: rescanning the mailbox');
    }
    const fresh = { uidValidity: current, lastUid: 0 };
    await deps.cursors.save(key, fresh);
    return fresh;
  }

  async function sync(client: ImapFlow): Promise<void> {
    const box = client.mailbox;
    if (box === false) throw new Error('no mailbox selected');
    const cursor = await cursorFor(box.uidValidity);
    if (box.exists === 0) return;
    // A scan from the start (first run, or UIDVALIDITY changed) skips \Seen mail: that was handled already, by
    // us or by a person, and a years-old inbox must not turn into hundreds of new threads.
    const fromStart = cursor.lastUid === 0;
    // "n:*" always names the newest message even when its UID is below n, hence the filter.
    const found = await client.fetchAll(`${cursor.lastUid + 1}:*`, { uid: true, size: true, flags: true }, { uid: true });
    const fresh = found.filter((m) => m.uid > cursor.lastUid).sort((a, b) => a.uid - b.uid);
    let skipped = 0;
    for (const meta of fresh) {
      if (stopping) return;
      const uid = String(meta.uid);
      if (fromStart && meta.flags?.has('\\Seen') === true) {
        skipped++;
        cursor.lastUid = meta.uid;
        continue;
      }
      let outcome: IntakeOutcome;
      if (meta.size !== undefined && meta.size > deps.maxBytes) {
        logger.warn({ uid: meta.uid, bytes: meta.size, limit: deps.maxBytes }, 'IMAP message over the size limit: not downloaded');
        outcome = { kind: 'dropped', reason: 'too_large', detail: `message is ${meta.size} bytes, the limit is ${deps.maxBytes}` };
      } else {
        const message = await client.fetchOne(uid, { uid: true, source: true }, { uid: true });
        if (message === false || message.source === undefined) continue;
        // Store failures throw here: the cursor stays put and the message is read again after reconnecting.
        outcome = await deps.intake.receive({ raw: message.source, source: 'imap' });
      }
      await client.messageFlagsAdd(uid, ['\\Seen'], { uid: true });
      if (settings.moveTo !== undefined) await client.messageMove(uid, settings.moveTo, { uid: true });
      cursor.lastUid = meta.uid;
      await deps.cursors.save(key, cursor);
      deps.onProcessed?.({ uid: meta.uid, outcome });
    }
    if (skipped > 0) {
      await deps.cursors.save(key, cursor);
      logger.info({ mailbox: settings.mailbox, skipped }, 'IMAP scan from the start: skipped mail already marked \\Seen');
    }
  }

  async function session(): Promise<void> {
    const client = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.user, pass: settings.password.reveal() },
      logger: false,
      ...(deps.tls !== undefined ? { tls: deps.tls } : {}),
      // Without IDLE, imapflow polls with NOOP this often; with IDLE it restarts IDLE this often.
      maxIdleTime: Math.min(settings.pollMs, 5 * 60_000),
      autoIdleDelay: 1_000,
    });
    client.on('exists', () => wakeup.fire());
    client.on('close', () => wakeup.fire());
    client.on('error', (error: Error) => {
      logger.warn({ error: error.message }, 'IMAP connection error');
      wakeup.fire();
    });
    try {
      await client.connect();
      await client.mailboxOpen(settings.mailbox);
      logger.info({ host: settings.host, mailbox: settings.mailbox }, 'IMAP connected');
      while (!stopping && client.usable) {
        await sync(client);
        attempt = 0;
        await wakeup.wait(settings.pollMs);
      }
    } finally {
      await closeQuietly(client);
    }
  }

  let attempt = 0;

  async function run(): Promise<void> {
    while (!stopping) {
      try {
        await session();
      } catch (error) {
        logger.warn({ error: error instanceof Error ? error.message : String(error), attempt }, 'IMAP session ended with an error');
      }
      if (stopping) break;
      const delay = backoffDelay(attempt++, deps.backoff ?? defaultBackoff, deps.random);
      logger.info({ delayMs: delay, attempt }, 'IMAP reconnecting');
      // The dead connection's own close event must not cut the backoff short; stop() is checked just above.
      wakeup.clear();
      await wakeup.wait(delay);
    }
    logger.info({ mailbox: settings.mailbox }, 'IMAP source stopped');
  }

  return {
    start() {
      if (loop !== undefined) return;
      stopping = false;
      loop = run();
    },
    async stop() {
      stopping = true;
      wakeup.fire();
      const running = loop;
      loop = undefined;
      await running;
    },
  };
}
