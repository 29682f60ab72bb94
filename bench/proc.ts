/**
 * What the kernel knows about the processes under test, read from /proc:
 * CPU time (user + system, including reaped children such as PostgreSQL's
 * ended backends), peak resident memory (VmHWM), and the proportional set
 * size (Pss: shared pages divided among the processes sharing them), sampled
 * to find the peak of a group's memory taken together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const MS_PER_TICK = 1000 / TICKS_PER_SECOND;

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Every live process, with its parent and command line. */
export function listProcesses(): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), ppid: Number(fields[1]), cmdline });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

/** `pid` and everything below it. */
export function descendants(pid: number, all: ProcInfo[] = listProcesses()): ProcInfo[] {
  const result: ProcInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const proc of all) {
      if (proc.ppid === parent) {
        result.push(proc);
        queue.push(proc.pid);
      }
    }
  }
  return result;
}

/** CPU milliseconds this process used, plus those of its children it has reaped. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of stat (utime, stime, cutime, cstime), counted from 3 after the name.
    const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
    return ticks * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size in bytes (VmHWM), over the process's whole life. */
export function peakRssBytes(pid: number): number | undefined {
  const kb = statusKb(pid, 'VmHWM');
  return kb === undefined ? undefined : kb * 1024;
}

export function rssBytes(pid: number): number | undefined {
  const kb = statusKb(pid, 'VmRSS');
  return kb === undefined ? undefined : kb * 1024;
}

/** Proportional set size in bytes: shared pages (PostgreSQL's shared buffers, libraries) counted once across the group. */
export function pssBytes(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
  cores: number;
}

/** /proc/loadavg: how busy the machine was (other sessions share it). */
export function loadAverage(): LoadAverage {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return { one: one ?? NaN, five: five ?? NaN, fifteen: fifteen ?? NaN, cores: os.availableParallelism() };
}

/**
 * Samples the summed Pss of each group of processes every `intervalMs` and keeps each group's
 * peak; the groups are looked up again at each sample, since processes come and go.
 */
export class MemorySampler {
  private readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly groups: () => Map<string, number[]>,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  sample(): void {
    for (const [group, pids] of this.groups()) {
      const total = pids.reduce((sum, pid) => sum + (pssBytes(pid) ?? 0), 0);
      this.peaks.set(group, Math.max(this.peaks.get(group) ?? 0, total));
    }
  }

  stop(): Map<string, number> {
    clearInterval(this.timer);
    this.sample();
    return new Map(this.peaks);
  }
}
