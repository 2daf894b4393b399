// One process's line of /proc/<pid>/stat (Linux), read the only safe way: the command name may hold spaces and
// parentheses, so the fields are split after its last ')'.
import { readFileSync } from 'node:fs';

export interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  /** Start time, clock ticks since boot (field 22): with the pid, it names a process even once pids are reused. */
  start: string;
  /** CPU time used, user + system (fields 14 and 15), in clock ticks. */
  ticks: number;
}

/** Undefined once the process has ended (and been reaped). */
export function procStat(pid: number | string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: f[0] ?? '', ppid: Number(f[1]), pgrp: Number(f[2]), start: f[19] ?? '', ticks: Number(f[11]) + Number(f[12]) };
}
