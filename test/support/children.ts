// Processes the tests start: each the leader of its own process group, stopped by group, and recorded so the
// suite fails if one outlives its test file (a grandchild left running once kept two servers alive for 45 minutes).
import { spawn, type ChildProcess, type ChildProcessByStdio, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** Set by test/support/global-setup.ts: every started group is also written there, for the run's last check. */
export const registryDirEnv = 'HARDWAY_TEST_CHILDREN_DIR';

const started = new Map<number, string>();

/** `spawn`, detached into a new process group whose id is the child's pid, and registered. */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions & { stdio: ['pipe', 'pipe', 'pipe'] }): ChildProcessWithoutNullStreams;
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions & { stdio: ['ignore', 'pipe', 'pipe'] }): ChildProcessByStdio<null, Readable, Readable>;
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) return child; // spawn failed: the 'error' event says why, and there is no group to stop
  const what = [command, ...args].join(' ');
  started.set(pid, what);
  const dir = process.env[registryDirEnv];
  if (dir) appendFileSync(join(dir, `${process.pid}.txt`), `${pid} ${what}\n`);
  return child;
}

/** Live (not zombie) processes in a group; a zombie is dead, only waiting for its parent to read its status. */
export function liveInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while we looked
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') live.push(Number(entry));
  }
  return live;
}

async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (liveInGroup(pgid).length > 0) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group has already ended
  }
}

/**
 * Stops a child's whole group: `signal` first, SIGKILL if anything in it is still alive after `graceMs`, and an
 * error if even that did not end it. Resolves with the child's exit code (null when a signal ended it).
 */
export async function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
  const pid = child.pid;
  if (pid === undefined) return child.exitCode;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pid, signal);
  if (!(await groupGone(pid, graceMs))) {
    signalGroup(pid, 'SIGKILL');
    if (!(await groupGone(pid, 10_000))) throw new Error(`process group ${pid} survived SIGKILL: ${liveInGroup(pid).join(', ')}`);
  }
  await exited;
  started.delete(pid);
  return child.exitCode;
}

/** Groups started here with a process still alive in them: each is killed, and described for the failure. */
export function killSurvivors(groups: Iterable<[number, string]> = started.entries()): string[] {
  const left: string[] = [];
  for (const [pgid, what] of groups) {
    const live = liveInGroup(pgid);
    if (live.length === 0) continue;
    left.push(`group ${pgid} (${what}): pids ${live.join(', ')}`);
    signalGroup(pgid, 'SIGKILL');
  }
  for (const [pgid] of started) if (liveInGroup(pgid).length === 0) started.delete(pgid);
  return left;
}

/** Every group any test process registered under `dir`. */
export function registeredGroups(dir: string): Array<[number, string]> {
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line): [number, string] => [Number(line.slice(0, line.indexOf(' '))), line.slice(line.indexOf(' ') + 1)]),
  );
}
