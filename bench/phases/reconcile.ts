/**
 * reconcile: what the background reconciliation (MNEMO_RECONCILE_PER_SECOND) costs per 100k
 * memories checked, with no search traffic: Redis commands (EXISTS and all), Redis CPU and mnemo
 * CPU over an idle window of a child with the reconciliation on, minus the same window of a child
 * with it off (idle mnemo polls Redis too). The two windows run one after the other, the other
 * child paused (SIGSTOP), so that they never overlap.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { BenchContext } from '../lib/context.js';
import type { MnemoChild } from '../lib/mnemoChild.js';
import { status } from '../lib/progress.js';
import { countersDelta, readCounters, type RedisCounters } from '../lib/redisCost.js';
import type { PhaseOutput, Table } from '../lib/report.js';
import { metricsDelta } from '../lib/serverMetrics.js';
import { round } from '../lib/stats.js';

/** After pausing a child, how long to wait for its last pipeline to drain out of Redis. */
const SETTLE_MS = 300;

/**
 * Waits (at most `maxSeconds`) until `child` has checked `memories` since now: a first pass, not
 * measured, so that the window sees the reconciliation's steady state (JIT-compiled, every
 * memory's key warm) rather than a just started child.
 */
/** How often the first pass's progress is read. */
const POLL_MS = 250;

async function firstPass(child: MnemoChild, memories: number, maxSeconds: number): Promise<void> {
  const start = await child.metrics();
  const deadline = performance.now() + maxSeconds * 1000;
  while (performance.now() < deadline) {
    await sleep(POLL_MS);
    const delta = metricsDelta(start, await child.metrics());
    if (sumOf(delta, 'mnemo_reconcile_checked_total') >= memories) return;
  }
}

/** A window's figures: deltas of the child's /metrics and of the master's INFO. */
export interface WindowFigures {
  target: string;
  seconds: number;
  /** mnemo_reconcile_checked_total, every kind. */
  checked: number;
  /** mnemo_reconcile_passes_total{kind="episodic"} (the data set is episodic only). */
  passes: number;
  existsCalls: number;
  existsUsec: number;
  /** EVALSHA/EVAL calls: the reconciliation's round trips (one script call per batch). */
  scriptCalls: number;
  redisCommands: number;
  redisCpuMs: number;
  /** process_cpu_seconds_total of the child, ms. */
  mnemoCpuMs: number;
}

/** The reconciliation's cost per 100k memories checked (net of the baseline window). */
export interface CostPer100k {
  exists: number;
  redisCommands: number;
  /** Script calls (round trips), measured. */
  roundTrips: number;
  existsMs: number;
  redisCpuMs: number;
  mnemoCpuMs: number;
  /** Redis and mnemo CPU at the configured rate, as a share of one core (0.05 = 5 %). */
  redisCoreShare: number;
  mnemoCoreShare: number;
}

function sumOf(delta: Record<string, number>, prefix: string): number {
  let sum = 0;
  for (const [name, value] of Object.entries(delta)) if (name.startsWith(prefix)) sum += value;
  return sum;
}

interface Moment {
  at: number;
  metrics: Record<string, number>;
  redis: RedisCounters;
}

async function moment(child: MnemoChild, redis: Redis): Promise<Moment> {
  const [metrics, counters] = await Promise.all([child.metrics(), readCounters(redis)]);
  return { at: performance.now(), metrics, redis: counters };
}

function windowFigures(name: string, start: Moment, end: Moment): WindowFigures {
  const delta = metricsDelta(start.metrics, end.metrics);
  const redis = countersDelta(start.redis, end.redis);
  return {
    target: name,
    seconds: round((end.at - start.at) / 1000, 3),
    checked: sumOf(delta, 'mnemo_reconcile_checked_total'),
    passes: delta['mnemo_reconcile_passes_total{kind="episodic"}'] ?? 0,
    existsCalls: redis.existsCalls,
    existsUsec: redis.existsUsec,
    scriptCalls: redis.scriptCalls,
    redisCommands: redis.commands,
    redisCpuMs: round(redis.cpuSeconds * 1000, 1),
    mnemoCpuMs: round(sumOf(delta, 'process_cpu_seconds_total') * 1000, 1),
  };
}

/**
 * Measures `child` alone (the other paused by the caller) for `seconds`; with `minChecked`, the
 * window is extended until the child has checked that many memories (at most 10× longer).
 */
async function measureWindow(
  name: string,
  child: MnemoChild,
  redis: Redis,
  seconds: number,
  minChecked = 0,
): Promise<WindowFigures> {
  const start = await moment(child, redis);
  await sleep(seconds * 1000);
  let end = await moment(child, redis);
  const limit = start.at + 10 * seconds * 1000;
  for (;;) {
    const checked = sumOf(
      metricsDelta(start.metrics, end.metrics),
      'mnemo_reconcile_checked_total',
    );
    if (checked >= minChecked || end.at >= limit) break;
    const elapsed = (end.at - start.at) / 1000;
    const rate = checked / Math.max(elapsed, 1e-3);
    const more = rate > 0 ? (1.1 * (minChecked - checked)) / rate + 0.25 : seconds;
    await sleep(Math.min(more * 1000, limit - end.at) + 1);
    end = await moment(child, redis);
  }
  return windowFigures(name, start, end);
}

/** The cost per 100k memories checked: the reconciling window minus the baseline's. */
export function costPer100k(
  on: WindowFigures,
  off: WindowFigures,
  memories: number,
  perSecond: number,
): CostPer100k | null {
  if (on.checked <= 0) return null;
  const per = 100_000 / on.checked;
  // The baseline window is as long as the reconciling one; scale it anyway, for exactness.
  const scale = off.seconds > 0 ? on.seconds / off.seconds : 1;
  const net = (a: number, b: number): number => a - b * scale;
  const redisCpuMs = net(on.redisCpuMs, off.redisCpuMs) * per;
  const mnemoCpuMs = net(on.mnemoCpuMs, off.mnemoCpuMs) * per;
  // ms per 100k × (perSecond / 100k) = ms of CPU per second of wall time.
  const share = (ms: number): number => round((ms * perSecond) / 100_000 / 1000, 4);
  return {
    exists: round(net(on.existsCalls, off.existsCalls) * per, 0),
    redisCommands: round(net(on.redisCommands, off.redisCommands) * per, 0),
    roundTrips: round(net(on.scriptCalls, off.scriptCalls) * per, 1),
    existsMs: round((net(on.existsUsec, off.existsUsec) * per) / 1000, 2),
    redisCpuMs: round(redisCpuMs, 1),
    mnemoCpuMs: round(mnemoCpuMs, 1),
    redisCoreShare: share(redisCpuMs),
    mnemoCoreShare: share(mnemoCpuMs),
  };
}

function percent(share: number): string {
  return `${round(share * 100, 2)} %`;
}

export async function reconcile(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  const mnemo = await ctx.startMnemo(1);
  const load = await ctx.load();
  const reconciling = await ctx.startReconcile(1);
  const off = mnemo.child;
  const on = reconciling.child;
  const url = ctx.redisUrl;
  if (off === null || on === null || url === null) {
    throw new Error('the reconcile phase needs its own mnemo children and their Redis');
  }
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  ctx.cleanup.add('redis client (INFO)', () => {
    redis.disconnect();
    return Promise.resolve();
  });
  const memories = ctx.dataset.size;
  const perSecond = o.reconcilePerSecond;
  const planned = Math.max(o.window, (1.2 * memories) / perSecond);
  let withOn: WindowFigures;
  let baseline: WindowFigures;
  try {
    status('reconcile: a first pass, not measured, mnemo paused', o.quiet);
    off.pause();
    await firstPass(on, memories, 10 * planned);
    status(`reconcile window (${planned.toFixed(1)} s or more), mnemo paused`, o.quiet);
    withOn = await measureWindow('reconcile', on, redis, planned, memories);
    status(`baseline window (${withOn.seconds.toFixed(1)} s), reconcile paused`, o.quiet);
    off.resume();
    on.pause();
    await sleep(SETTLE_MS);
    baseline = await measureWindow('mnemo', off, redis, withOn.seconds);
  } finally {
    off.resume();
    on.resume();
  }
  const cost = costPer100k(withOn, baseline, memories, perSecond);
  const rate = withOn.seconds > 0 ? round(withOn.checked / withOn.seconds, 0) : 0;
  const net = (a: number, b: number): number => round(a - b, 1);
  /** Net CPU (ms over the window) as a share of one core over the window. */
  const measuredShare = (a: number, b: number): number =>
    withOn.seconds > 0 ? (a - b) / (withOn.seconds * 1000) : 0;
  const tables: Table[] = [
    {
      title: `reconcile: idle windows, ${memories} memories, MNEMO_RECONCILE_PER_SECOND=${perSecond} (reconcile) vs 0 (mnemo)`,
      headers: [
        'window',
        'seconds',
        'checked',
        'passes',
        'EXISTS',
        'EXISTS ms',
        'redis cmds',
        'redis CPU ms',
        'mnemo CPU ms',
      ],
      rows: [
        ...[withOn, baseline].map((w) => [
          w.target,
          w.seconds,
          w.checked,
          w.passes,
          w.existsCalls,
          round(w.existsUsec / 1000, 2),
          w.redisCommands,
          w.redisCpuMs,
          w.mnemoCpuMs,
        ]),
        [
          'reconcile − mnemo',
          null,
          withOn.checked - baseline.checked,
          null,
          withOn.existsCalls - baseline.existsCalls,
          round((withOn.existsUsec - baseline.existsUsec) / 1000, 2),
          withOn.redisCommands - baseline.redisCommands,
          net(withOn.redisCpuMs, baseline.redisCpuMs),
          net(withOn.mnemoCpuMs, baseline.mnemoCpuMs),
        ],
      ],
    },
  ];
  if (cost !== null) {
    tables.push({
      title: `the reconciliation's cost per 100k memories checked (net of the baseline); core shares at ${perSecond}/s`,
      headers: [
        'EXISTS',
        'redis cmds',
        'round trips',
        'EXISTS ms',
        'redis CPU ms',
        'mnemo CPU ms',
        'redis core',
        'mnemo core',
      ],
      rows: [
        [
          cost.exists,
          cost.redisCommands,
          cost.roundTrips,
          cost.existsMs,
          cost.redisCpuMs,
          cost.mnemoCpuMs,
          percent(cost.redisCoreShare),
          percent(cost.mnemoCoreShare),
        ],
      ],
    });
  }
  const notes = [
    `data: ${ctx.dataset.description}`,
    'two idle windows (no search traffic; the reconciling one after a first, unmeasured pass), one after the other on the same Redis and data: reconcile = mnemo child with the reconciliation on, mnemo = one with MNEMO_RECONCILE_PER_SECOND=0 (the baseline: an idle mnemo polls Redis too); the child not measured is paused (SIGSTOP), so the windows never overlap; the baseline window is as long as the reconciling one',
    `checked = mnemo_reconcile_checked_total; EXISTS calls and usec = the master's INFO commandstats cmdstat_exists; redis cmds = INFO stats total_commands_processed; redis CPU = INFO cpu used_cpu_user + used_cpu_sys; mnemo CPU = the child's process_cpu_seconds_total; all deltas over the window, per 100k = net (reconcile − mnemo) × 100k ÷ checked`,
    'round trips = script calls (INFO commandstats cmdstat_evalsha + cmdstat_eval): the reconciliation asks Redis in one Lua call per batch of up to 1,000 memories',
    `core = CPU per memory checked × the configured ${perSecond}/s, as a share of one core; measured over the window at ${rate} memories/s, where the net CPU was ${percent(measuredShare(withOn.mnemoCpuMs, baseline.mnemoCpuMs))} of a core in mnemo and ${percent(measuredShare(withOn.redisCpuMs, baseline.redisCpuMs))} in Redis`,
  ];
  if (rate < 0.9 * perSecond) {
    notes.push(
      `the reconciliation checked ${rate}/s, below the configured ${perSecond}/s: steps ran late`,
    );
  }
  if (withOn.checked < memories) {
    notes.push(
      `WARNING: the reconciling window checked ${withOn.checked} memories, less than one pass (${memories}): raise --window`,
    );
  }
  if (cost === null) notes.push('WARNING: nothing was checked: no cost per memory');
  if (o.redisUrl !== null) {
    notes.push(
      `Redis is --redis-url ${o.redisUrl}: commands and CPU of other clients of it count too`,
    );
  }
  return {
    results: {
      load,
      perSecond,
      plannedSeconds: round(planned, 3),
      checkedPerSecond: rate,
      windows: { reconcile: withOn, baseline },
      per100k: cost,
    },
    tables,
    charts: [],
    notes,
  };
}
