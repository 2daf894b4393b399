// Processes the tests start: each the leader of its own process group, stopped by group, and recorded so the
// suite fails if one outlives its test file (a grandchild left running once kept two servers alive for 45 minutes).
//
// A group is identified by its leader's pid *and start time*: pids are reused quickly on a busy machine, and a
// signal to a reused id would hit someone else's processes (another job's whole process group).
import { spawn, type ChildProcess, type ChildProcessByStdio, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { procStat } from './proc-stat.js';

/** Set by test/support/global-setup.ts: every started group is also written there, for the run's last check. */
export const registryDirEnv = 'HARDWAY_TEST_CHILDREN_DIR';

export interface Group {
  /** The leader's pid, which is the group's id. */
  readonly pgid: number;
  /** The leader's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  readonly start: string;
  readonly what: string;
}

const started = new Map<number, Group>();

/** `spawn`, detached into a new process group whose id is the child's pid, and registered. */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions & { stdio: ['pipe', 'pipe', 'pipe'] }): ChildProcessWithoutNullStreams;
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions & { stdio: ['ignore', 'pipe', 'pipe'] }): ChildProcessByStdio<null, Readable, Readable>;
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) return child; // spawn failed: the 'error' event says why, and there is no group to stop
  // Not yet reaped (that happens on a later turn of the event loop), so its stat is there even if it already ended.
  const start = procStat(pid)?.start ?? '';
  // One line per group in the registry file: an argument may hold newlines (a `node -e` script).
  const what = [command, ...args].join(' ').replace(/\s+/g, ' ').slice(0, 200);
  started.set(pid, { pgid: pid, start, what });
  const dir = process.env[registryDirEnv];
  if (dir) appendFileSync(join(dir, `${process.pid}.txt`), `${pid} ${start} ${what}\n`);
  return child;
}

/** The group a child of ours leads, while it is registered (until `stopGroup` has ended it). */
export function groupOf(child: ChildProcess): Group | undefined {
  return child.pid === undefined ? undefined : started.get(child.pid);
}

/**
 * Live (not zombie) processes of a group we started. A process in group `pgid` is ours while the leader is the one
 * we started, or is gone (Linux never reuses a pid still in use as a group id, so its group's members are ours).
 */
export function liveInGroup(group: Pick<Group, 'pgid' | 'start'>): number[] {
  const { pgid } = group;
  if (!Number.isInteger(pgid) || pgid <= 1) return []; // kernel threads are in group 0: never ours
  const leader = procStat(pgid);
  if (leader && leader.start !== group.start) return []; // the id was reused: not our group
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = procStat(entry);
    if (s && s.pgrp === pgid && s.state !== 'Z') live.push(Number(entry));
  }
  return live;
}

async function groupGone(group: Group, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (liveInGroup(group).length > 0) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

/** Signals the group only while something of ours is alive in it. */
function signalGroup(group: Group, signal: NodeJS.Signals): void {
  if (liveInGroup(group).length === 0) return;
  try {
    process.kill(-group.pgid, signal);
  } catch {
    // ESRCH: it ended just now
  }
}

/**
 * Stops a child's whole group: `signal` first, SIGKILL if anything in it is still alive after `graceMs`, and an
 * error if even that did not end it. Resolves with the child's exit code (null when a signal ended it).
 */
export async function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
  const pid = child.pid;
  const group = pid === undefined ? undefined : started.get(pid);
  if (pid === undefined || group === undefined) return child.exitCode;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(group, signal);
  if (!(await groupGone(group, graceMs))) {
    signalGroup(group, 'SIGKILL');
    if (!(await groupGone(group, 10_000))) throw new Error(`process group ${pid} survived SIGKILL: ${liveInGroup(group).join(', ')}`);
  }
  await exited;
  started.delete(pid);
  return child.exitCode;
}

/** Groups started here with a process still alive in them: each is killed, and described for the failure. */
export function killSurvivors(groups: Iterable<Group> = started.values()): string[] {
  const left: string[] = [];
  for (const group of groups) {
    const live = liveInGroup(group);
    if (live.length === 0) continue;
    left.push(`group ${group.pgid} (${group.what}): pids ${live.join(', ')}`);
    signalGroup(group, 'SIGKILL');
  }
  for (const group of [...started.values()]) if (liveInGroup(group).length === 0) started.delete(group.pgid);
  return left;
}

/** Every group any test process registered under `dir`. */
export function registeredGroups(dir: string): Group[] {
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .flatMap((line) => {
        const match = /^(\d+) (\d+) (.*)$/.exec(line);
        return match ? [{ pgid: Number(match[1]), start: match[2] ?? '', what: match[3] ?? '' }] : [];
      }),
  );
}
