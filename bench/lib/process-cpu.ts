// CPU time of processes by /proc (Linux): a process group (a `hardway serve` and whatever it spawned) or a process
// and its children (a PostgreSQL postmaster and its backends), so a figure can say what each part costs.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { procStat, type ProcStat } from '../../test/support/proc-stat.js';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function allStats(): Array<ProcStat & { pid: number }> {
  const out: Array<ProcStat & { pid: number }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(name);
    if (s !== undefined) out.push({ ...s, pid: Number(name) });
  }
  return out;
}

/** Milliseconds of CPU used so far by every live process of each group (keyed by the group's id). */
export function groupCpuMs(pgids: readonly number[]): Map<number, number> {
  const ms = 1000 / clockTicks();
  const out = new Map<number, number>(pgids.map((g) => [g, 0]));
  for (const s of allStats()) {
    const sum = out.get(s.pgrp);
    if (sum !== undefined) out.set(s.pgrp, sum + s.ticks * ms);
  }
  return out;
}

/** Milliseconds of CPU used so far by a process and its live children (a postmaster and its backends). */
export function treeCpuMs(pid: number): number {
  const ms = 1000 / clockTicks();
  return allStats()
    .filter((s) => s.pid === pid || s.ppid === pid)
    .reduce((sum, s) => sum + s.ticks * ms, 0);
}

/** This process's own CPU so far, in milliseconds. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
