import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`; 100 where it cannot be asked). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * CPU seconds (user + system) of a process from /proc/PID/stat: every thread's, those that
 * exited included, in whole clock ticks (10 ms where CLK_TCK is 100); null when unreadable.
 */
export function statSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / clockTicks();
}

/**
 * CPU seconds of a process's live threads, to the nanosecond: the sum of their run times from
 * /proc/PID/task/TID/schedstat. Threads that exited are not in it. Null when unreadable.
 */
export function threadSeconds(pid: number): number | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let ns = 0;
  for (const tid of tids) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread exited after the directory was listed: its time is no longer anyone's here.
    }
  }
  return Number.isFinite(ns) ? ns / 1e9 : null;
}

interface Reading {
  /** statSeconds. */
  coarse: number;
  /** threadSeconds, null when unreadable. */
  fine: number | null;
  /** What processCpuSeconds answered for this reading. */
  seconds: number;
}

/**
 * One process's CPU seconds as a series precise to the nanosecond where it can be: each reading
 * adds to the previous answer the change of the live threads' run time when it agrees with the
 * change of /proc/PID/stat (within the stat's rounding), and the stat's change otherwise (a
 * thread exited in between, taking its time out of the live threads' sum). Deltas of the
 * answers are what callers use; the first answer is the stat's.
 */
export class CpuSeries {
  private readonly last = new Map<number, Reading>();

  constructor(
    private readonly coarseOf: (pid: number) => number | null,
    private readonly fineOf: (pid: number) => number | null,
    /** Most the stat's total may differ from the precise one by: two fields, each truncated. */
    private readonly toleranceSeconds: number,
  ) {}

  seconds(pid: number): number | null {
    const coarse = this.coarseOf(pid);
    if (coarse === null) return null;
    const fine = this.fineOf(pid);
    const last = this.last.get(pid);
    let seconds = coarse;
    // A stat that went back is another process with the same pid: start its series afresh.
    if (last !== undefined && coarse >= last.coarse) {
      const coarseDelta = coarse - last.coarse;
      const fineDelta = fine !== null && last.fine !== null ? fine - last.fine : null;
      const agree =
        fineDelta !== null &&
        fineDelta >= 0 &&
        Math.abs(fineDelta - coarseDelta) <= this.toleranceSeconds;
      seconds = last.seconds + (agree ? fineDelta : coarseDelta);
    }
    this.last.set(pid, { coarse, fine, seconds });
    return seconds;
  }
}

let series: CpuSeries | undefined;

/**
 * CPU seconds (user + system, every thread) a process has used so far, precise to the
 * nanosecond (CpuSeries over /proc/PID/stat and the threads' schedstat); null when it cannot be
 * read (no /proc, or the process is gone). Deltas over a measurement give the server CPU a call
 * cost, whatever the load generator costs.
 */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  series ??= new CpuSeries(statSeconds, threadSeconds, 3 / clockTicks());
  return series.seconds(pid);
}
