import { performance } from 'node:perf_hooks';

/** Latencies (ms) of the calls that succeeded, and how long the whole run took. */
export interface RunResult {
  latencies: number[];
  seconds: number;
  calls: number;
  errors: number;
  firstError: string | null;
  /** Throughput (calls/s) of each interleaved round a merged result was made of. */
  roundThroughputs?: number[];
  /** CPU seconds the target's server used during the run (Target.cpuSeconds); null: unknown. */
  serverCpuSeconds?: number | null;
}

/** One call of a workload: worker w's i-th call. */
export type Call = (worker: number, i: number) => Promise<unknown>;

/**
 * Closed loop: `workers` concurrent workers (simulated agents), each making `calls` calls one
 * after the other, its i-th call numbered `offset + i`. Failed calls are counted, not timed.
 */
export async function closedLoop(
  workers: number,
  calls: number,
  call: Call,
  offset = 0,
): Promise<RunResult> {
  const made = new Array<number>(workers).fill(0);
  return drive(workers, workers * calls, (worker) => {
    const i = made[worker] ?? 0;
    if (i >= calls) return null;
    made[worker] = i + 1;
    return () => call(worker, offset + i);
  });
}

/**
 * `workers` concurrent loops, each making the calls `next` hands it until it hands none; every
 * call is timed, a failed one counted instead.
 */
async function drive(
  workers: number,
  calls: number,
  next: (worker: number) => (() => Promise<unknown>) | null,
): Promise<RunResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let call = next(worker); call !== null; call = next(worker)) {
        const t = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return {
    latencies,
    seconds: (performance.now() - started) / 1000,
    calls,
    errors,
    firstError,
  };
}

export function mergeRuns(runs: readonly RunResult[]): RunResult {
  return {
    latencies: runs.flatMap((r) => r.latencies),
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
    calls: runs.reduce((s, r) => s + r.calls, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    firstError: runs.find((r) => r.firstError !== null)?.firstError ?? null,
    roundThroughputs: runs.map(throughput),
    serverCpuSeconds: runs.every((r) => typeof r.serverCpuSeconds === 'number')
      ? runs.reduce((s, r) => s + (r.serverCpuSeconds ?? 0), 0)
      : null,
  };
}

export interface Target {
  name: string;
  call: Call;
  /**
   * A target whose server does background work all the time (e.g. the reconciliation of
   * `--compare reconcile`) carries these: interleaved() pauses it while the other targets are
   * measured, so that its background work loads neither the machine nor Redis in their rounds,
   * and resumes it for its own. Targets without them always run.
   */
  pause?: () => void;
  resume?: () => void;
  /** CPU seconds the target's server process has used so far (every thread); null: unknown. */
  cpuSeconds?: () => number | null;
}

/** A closed-loop run of one target, with the CPU its server used meanwhile. */
async function measured(
  target: Target,
  workers: number,
  calls: number,
  offset: number,
): Promise<RunResult> {
  const before = target.cpuSeconds?.() ?? null;
  const run = await closedLoop(workers, calls, target.call, offset);
  const after = target.cpuSeconds?.() ?? null;
  return {
    ...run,
    serverCpuSeconds: before === null || after === null ? null : after - before,
  };
}

/** Resumes `running` and pauses every other target that can be paused. */
function runOnly(targets: readonly Target[], running: Target): void {
  running.resume?.();
  for (const t of targets) if (t !== running) t.pause?.();
}

/** Resumes every target that can be paused (between measurements all of them run). */
export function resumeAll(targets: readonly Target[]): void {
  for (const t of targets) t.resume?.();
}

/** `total` split into `rounds` nearly equal positive parts (fewer when total < rounds). */
export function splitEvenly(total: number, rounds: number): number[] {
  const parts = Math.max(1, Math.min(rounds, total));
  return Array.from(
    { length: parts },
    (_, r) => Math.floor(((r + 1) * total) / parts) - Math.floor((r * total) / parts),
  );
}

/**
 * The same closed-loop workload on several targets, interleaved so that drift of a shared, noisy
 * machine hits them alike: each worker's calls are split in `rounds` parts, run as A B C, then
 * C B A, then A B C…
 *
 * The pause rule: before a target's round, that target is resumed and every other target that can
 * be paused (Target.pause) is paused; when the measurement ends (or fails) every target is
 * resumed, so that warm-ups, /metrics scrapes and the next measurement find them running.
 */
export async function interleaved(
  targets: readonly Target[],
  workers: number,
  calls: number,
  rounds = 2,
): Promise<Map<string, RunResult>> {
  const runs = new Map<string, RunResult[]>(targets.map((t) => [t.name, []]));
  let offset = 0;
  try {
    for (const [round, part] of splitEvenly(calls, targets.length > 1 ? rounds : 1).entries()) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        runOnly(targets, target);
        runs.get(target.name)?.push(await measured(target, workers, part, offset));
      }
      offset += part;
    }
  } finally {
    resumeAll(targets);
  }
  return new Map([...runs].map(([name, list]) => [name, mergeRuns(list)]));
}

/** Throughput of a run in calls per second (successful calls only). */
export function throughput(run: RunResult): number {
  return run.seconds > 0 ? run.latencies.length / run.seconds : 0;
}

/**
 * `total` calls numbered 0 … total-1 by `concurrency` workers taking the next number as they go
 * (a fixed amount of work, `concurrency` calls in flight).
 */
export async function pooled(
  total: number,
  concurrency: number,
  call: (index: number) => Promise<unknown>,
): Promise<RunResult> {
  let taken = 0;
  return drive(Math.min(concurrency, total), total, () => {
    if (taken >= total) return null;
    const index = taken++;
    return () => call(index);
  });
}
