// A throwaway Dovecot (IMAP + LMTP) for integration tests: own config, own dirs, 127.0.0.1 ports, no systemd.
//
//   const dovecot = await startDovecot({ user: 'assistant@hardway.test', password: 'secret' });
//   await dovecot.deliver(rawMessage);          // over LMTP, the way an MTA hands mail to Dovecot
//   …IMAP client on dovecot.imapPort…
//   await dovecot.stop();
//
// Started as root, mail is stored as nobody (Dovecot refuses UID 0); started as anyone else, everything runs as
// that user (Dovecot's "rootless" setup). Needs the Debian packages dovecot-imapd and dovecot-lmtpd.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnOwned, stopGroup } from './children.js';
import { freePort } from './free-port.js';

const candidates = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot', '/opt/homebrew/sbin/dovecot', '/usr/local/opt/dovecot/sbin/dovecot'];

/** The dovecot binary, if installed, with its LMTP service (dovecot-lmtpd) next to it. */
export function findDovecot(): string | undefined {
  const fromPath = (process.env.PATH ?? '').split(':').map((dir) => join(dir, 'dovecot'));
  const binary = [...fromPath, ...candidates].find((p) => existsSync(p));
  if (binary === undefined) return undefined;
  const hasLmtp = ['/usr/lib/dovecot/lmtp', '/usr/libexec/dovecot/lmtp', '/usr/local/libexec/dovecot/lmtp'].some((p) => existsSync(p));
  return hasLmtp ? binary : undefined;
}

export interface DovecotOptions {
  user: string;
  password: string;
  /** Extra mailboxes created on first login (e.g. a folder processed mail is moved to). */
  mailboxes?: string[];
}

export interface Dovecot {
  readonly host: '127.0.0.1';
  readonly imapPort: number;
  readonly lmtpPort: number;
  readonly user: string;
  readonly password: string;
  readonly dir: string;
  /** Delivers a message to `rcpt` (default: the user) over LMTP; resolves when Dovecot has stored it. */
  deliver(raw: Buffer, envelope?: { mailFrom?: string; rcpt?: string }): Promise<void>;
  log(): Promise<string>;
  stop(): Promise<void>;
}


/** Reads CRLF lines from a socket, one `next()` at a time. */
function lineReader(socket: Socket): { next(): Promise<string> } {
  let buffer = '';
  const waiting: Array<(line: string) => void> = [];
  const lines: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return {
    next: () => {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('LMTP: no answer within 10 s')), 10_000);
        waiting.push((l) => {
          clearTimeout(timer);
          resolve(l);
        });
      });
    },
  };
}

async function lmtpDeliver(port: number, raw: Buffer, mailFrom: string, rcpt: string): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const reader = lineReader(socket);
  const reply = async (expect: string, what: string): Promise<void> => {
    let line = await reader.next();
    // Multi-line replies: "250-…" continues, "250 …" ends.
    while (/^\d{3}-/.test(line)) line = await reader.next();
    if (!line.startsWith(expect)) throw new Error(`LMTP ${what}: ${line}`);
  };
  try {
    await reply('220', 'greeting');
    socket.write('LHLO localhost\r\n');
    await reply('250', 'LHLO');
    socket.write(`MAIL FROM:<${mailFrom}>\r\n`);
    await reply('250', 'MAIL FROM');
    socket.write(`RCPT TO:<${rcpt}>\r\n`);
    await reply('250', 'RCPT TO');
    socket.write('DATA\r\n');
    await reply('354', 'DATA');
    const text = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
    const stuffed = text.replace(/^\./gm, '..');
    socket.write(Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1'));
    await reply('250', 'delivery');
    socket.write('QUIT\r\n');
  } finally {
    socket.end();
  }
}

async function waitForGreeting(port: number, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('* OK'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  const log = await readFile(logPath, 'utf8').catch(() => '(no log)');
  throw new Error(`Dovecot did not start (exit code ${String(child.exitCode)}):\n${log}`);
}

export async function startDovecot(options: DovecotOptions): Promise<Dovecot> {
  const binary = findDovecot();
  if (binary === undefined) throw new Error('dovecot is not installed: apt-get install -y dovecot-imapd dovecot-lmtpd');
  const dir = await mkdtemp(join(tmpdir(), 'hardway-dovecot-'));
  // Dovecot's mail processes run as the mail user, who must be able to walk into the temp dir.
  await chmod(dir, 0o755);
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const uid = root ? 65534 : me.uid;
  const gid = root ? 65534 : me.gid;
  const [imapPort, lmtpPort] = [await freePort(), await freePort()];
  const paths = {
    base: join(dir, 'run'),
    state: join(dir, 'state'),
    mail: join(dir, 'mail'),
    users: join(dir, 'users'),
    conf: join(dir, 'dovecot.conf'),
    log: join(dir, 'dovecot.log'),
  };
  await mkdir(paths.base, { recursive: true });
  await mkdir(paths.state, { recursive: true });
  await mkdir(paths.mail, { recursive: true });
  if (root) await chown(paths.mail, uid, gid);
  await writeFile(paths.users, `${options.user}:{PLAIN}${options.password}:${uid}:${gid}::${join(paths.mail, options.user)}::\n`, { mode: 0o644 });
  const rootless = root
    ? ''
    : [
        `default_internal_user = ${me.username}`,
        `default_login_user = ${me.username}`,
        // The unix sockets are handed to this group; it must be ours, or chown fails without root.
        `default_internal_group = ${execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim()}`,
        'service anvil {\n  chroot =\n}',
        'service imap-login {\n  chroot =\n}',
      ].join('\n');
  const conf = `# Written by test/support/dovecot.ts for one test run.
base_dir = ${paths.base}
state_dir = ${paths.state}
log_path = ${paths.log}
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
recipient_delimiter = +
namespace inbox {
  inbox = yes
  separator = /
${(options.mailboxes ?? []).map((m) => `  mailbox ${m} {\n    auto = create\n  }`).join('\n')}
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${paths.users}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${paths.users}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
${rootless}
`;
  await writeFile(paths.conf, conf);
  const child = spawnOwned(binary, ['-F', '-c', paths.conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  try {
    await waitForGreeting(imapPort, child, paths.log);
  } catch (error) {
    await stopGroup(child, 'SIGKILL');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output}`);
  }

  return {
    host: '127.0.0.1',
    imapPort,
    lmtpPort,
    user: options.user,
    password: options.password,
    dir,
    deliver: (raw, envelope = {}) => lmtpDeliver(lmtpPort, raw, envelope.mailFrom ?? 'sender@example.com', envelope.rcpt ?? options.user),
    log: () => readFile(paths.log, 'utf8').catch(() => ''),
    async stop() {
      await stopGroup(child, 'SIGTERM', 5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
