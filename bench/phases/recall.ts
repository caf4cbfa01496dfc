/**
 * recall: recall@k of mnemo's default (approximate) search against its exact search, per
 * ef_runtime and filter selectivity, with QPS; scale: the same at 100k–1M memories plus load
 * rate, memory per memory and restart (rebuild) time, and QPS/p99 at the target recall.
 */
import { encodeQueries, type BenchContext } from '../lib/context.js';
import type { LoadResult } from '../lib/loader.js';
import { processMemory, redisMemory, type ProcessMemory } from '../lib/memoryFigures.js';
import type { StartTiming } from '../lib/readiness.js';
import { status } from '../lib/progress.js';
import type { Cell, Chart, PhaseOutput, Table } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { lineChart, PALETTE, type Series } from '../lib/svg.js';
import {
  chosenFilters,
  exactTruth,
  mnemoSearcher,
  operatingPoint,
  plannerPath,
  runQueries,
  sweep,
  type SweepPoint,
  type Truth,
} from '../lib/sweep.js';
import { compareRedisearch, redisearchTables, type RedisearchComparison } from './redisearch.js';

interface Study {
  truths: Truth[];
  points: SweepPoint[];
  redisearch: RedisearchComparison | null;
}

/** Columns of a sweep or operating-point table. */
function sweepHeaders(k: number): string[] {
  return [
    'filter',
    'pass %',
    'planner (inferred)',
    'ef_runtime',
    `recall@${k}`,
    'QPS',
    'distances/query',
    'p50 ms',
    'p99 ms',
  ];
}

/** The server's brute-force threshold (MNEMO_EXACT_SEARCH_MAX_CANDIDATES). */
function exactLimit(ctx: BenchContext): number {
  return ctx.options.serverSettings.exactSearchMaxCandidates;
}

/** Exact truth, the ef sweep and (when asked) the RediSearch comparison, on loaded data. */
async function study(ctx: BenchContext): Promise<Study> {
  const o = ctx.options;
  const mnemo = ctx.requireMnemo();
  const filters = chosenFilters(o.filters);
  const shares = new Map(filters.map((f) => [f.name, ctx.dataset.share(f)]));
  const queries = encodeQueries(ctx.dataset.queries(o.queries));
  const searcher = mnemoSearcher(mnemo);
  status('warming up', o.quiet);
  // The queries again as needed: a calibration waits for its number of searches.
  const warmup = Array.from(
    { length: Math.max(1, ctx.warmupCalls()) },
    (_, i) => queries[i % queries.length],
  );
  await runQueries(
    searcher,
    warmup.filter((q) => q !== undefined),
    {},
    o.k,
    0,
    false,
    o.inflight,
  );
  const truths = await exactTruth(searcher, queries, filters, shares, o.k, o.inflight, o.quiet);
  await ctx.calibrated();
  const points = await sweep(searcher, queries, truths, o.efs, o.k, o.inflight, o.quiet, o.rounds);
  const redisearch = o.compare.has('redisearch')
    ? await compareRedisearch(ctx, searcher, points, queries, truths)
    : null;
  return { truths, points, redisearch };
}

function sweepTable(ctx: BenchContext, s: Study): Table {
  const o = ctx.options;
  const rows: Cell[][] = [];
  for (const truth of s.truths) {
    const path = plannerPath(truth.share, ctx.dataset.size, exactLimit(ctx));
    const e = truth.point;
    rows.push([
      truth.filter.name,
      round(100 * truth.share, 2),
      path,
      'exact',
      1,
      e.qps,
      e.distancesPerQuery,
      e.latencyMs.p50,
      e.latencyMs.p99,
    ]);
    for (const p of s.points.filter((x) => x.filter === truth.filter.name)) {
      rows.push([
        p.filter,
        round(100 * p.share, 2),
        path,
        p.ef === 0 ? 'default' : String(p.ef),
        p.recall,
        p.qps,
        p.distancesPerQuery,
        p.latencyMs.p50,
        p.latencyMs.p99,
      ]);
    }
  }
  return {
    title: `recall@${o.k} vs exact (the server's exact: true), ${o.queries} queries per setting, ${o.inflight} in flight`,
    headers: sweepHeaders(o.k),
    rows,
  };
}

function recallChart(ctx: BenchContext, s: Study): Chart {
  const series: Series[] = s.truths.map((truth, i) => ({
    name: `mnemo ${truth.filter.name}`,
    color: PALETTE[i % PALETTE.length] ?? '#000000',
    points: s.points
      .filter((p) => p.filter === truth.filter.name)
      .map((p) => [p.recall, p.qps] as const),
  }));
  if (s.redisearch !== null) {
    s.truths.forEach((truth, i) => {
      series.push({
        name: `redisearch ${truth.filter.name}`,
        color: PALETTE[i % PALETTE.length] ?? '#000000',
        dash: '6 4',
        points: (s.redisearch?.sweep ?? [])
          .filter((p) => p.filter === truth.filter.name)
          .map((p) => [p.recall, p.qps] as const),
      });
    });
  }
  const o = ctx.options;
  return {
    name: 'recall-qps',
    svg: lineChart({
      title: `recall@${o.k} vs QPS per filter selectivity (points: ef_runtime ${o.efs.join(', ')})`,
      subtitle: [ctx.dataset.description, `${o.inflight} queries in flight; truth = exact search`],
      xLabel: `recall@${o.k}`,
      yLabel: 'queries per second',
      yLog: true,
      series,
    }),
  };
}

async function studyNotes(ctx: BenchContext): Promise<string[]> {
  const notes = [
    `data: ${ctx.dataset.description}`,
    `planner column: mnemo searches filters with ≤ ${exactLimit(ctx)} candidates (MNEMO_EXACT_SEARCH_MAX_CANDIDATES) by brute force, so ef_runtime does not matter there`,
    "distances/query: vector distances mnemo's index computed per search over the setting's runs (mnemo_index_distance_computations_total / mnemo_search_plans_total from its /metrics); empty when the server does not report them",
  ];
  const calibration = await ctx.calibrationNote();
  if (calibration !== null) notes.push(`ef "default" = ${calibration}`);
  return notes;
}

export async function recall(ctx: BenchContext): Promise<PhaseOutput> {
  await ctx.startMnemo(ctx.options.inflight);
  const load = await ctx.load();
  const s = await study(ctx);
  const tables = [sweepTable(ctx, s)];
  if (s.redisearch !== null)
    tables.push(...redisearchTables(s.redisearch, ctx.options.targetRecall, ctx.options.inflight));
  return {
    results: {
      load,
      exact: s.truths.map((t) => t.point),
      sweep: s.points,
      redisearch: s.redisearch,
    },
    tables,
    charts: [recallChart(ctx, s)],
    notes: await studyNotes(ctx),
  };
}

/** " (!)" when a restart did not take the expected path (e.g. a snapshot found unusable). */
function sourceNote(timing: StartTiming | undefined, expected: StartTiming['source']): string {
  return timing === undefined || timing.source === expected
    ? ''
    : ` (!) ${timing.source ?? 'unknown'}`;
}

function roundTiming(t: StartTiming): StartTiming {
  const ms = (x: number | null): number | null => (x === null ? null : round(x, 1));
  return {
    ...t,
    readyMs: round(t.readyMs, 1),
    metricsUpMs: ms(t.metricsUpMs),
    indexMs: ms(t.indexMs),
  };
}

interface MemoryFigures {
  serverRss: { empty: number | null; loaded: number | null; restarted: number | null };
  serverPeakRss: number | null;
  /** (RSS after the rebuild restart − RSS empty) / memories: the index and all per memory. */
  serverBytesPerMemory: number | null;
  redisUsedMemory: { empty: number | null; loaded: number | null };
  redisBytesPerMemory: number | null;
}

/** The two ways mnemo comes back after a restart, each timed from spawn to MemoryService SERVING. */
interface Restarts {
  /** SIGTERM → exit of the first stop: calls drained, index snapshot written, Redis closed. */
  shutdownMs: number;
  /** Restart with its data directory: the snapshot is loaded, changes since replayed. */
  fromSnapshot: StartTiming;
  /** Restart without a snapshot: the index is rebuilt from every hash in Redis. */
  rebuild: StartTiming;
}

export async function scale(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  const mnemo = await ctx.startMnemo(o.inflight);
  const redisUrl = ctx.redisUrl;
  const rss = (): ProcessMemory | null => processMemory(mnemo.child?.pid);
  const redisBefore = redisUrl === null ? null : await redisMemory(redisUrl);
  const rssEmpty = rss();
  const load: LoadResult | null = await ctx.load();
  const redisLoaded = redisUrl === null ? null : await redisMemory(redisUrl);
  const rssLoaded = rss();
  let restarts: Restarts | null = null;
  let rssRestarted: ProcessMemory | null = null;
  if (mnemo.child !== null) {
    const child = mnemo.child;
    const minMemories = ctx.loaded ? ctx.dataset.size : 0;
    status('restarting mnemo: stop (index snapshot written), start on the snapshot', o.quiet);
    const fromSnapshot = await child.restart(30 * 60_000, minMemories, false);
    status(`restarting mnemo without its snapshot: index rebuilt from Redis`, o.quiet);
    const rebuilt = await child.restart(30 * 60_000, minMemories, true);
    rssRestarted = rss();
    restarts = {
      shutdownMs: round(fromSnapshot.shutdownMs, 1),
      fromSnapshot: roundTiming(fromSnapshot.timing),
      rebuild: roundTiming(rebuilt.timing),
    };
  }
  const n = ctx.dataset.size;
  const perMemory = (a: number | null | undefined, b: number | null | undefined): number | null =>
    a === null || a === undefined || b === null || b === undefined || n === 0
      ? null
      : round((a - b) / n, 1);
  const memory: MemoryFigures = {
    serverRss: {
      empty: rssEmpty?.rss ?? null,
      loaded: rssLoaded?.rss ?? null,
      restarted: rssRestarted?.rss ?? null,
    },
    serverPeakRss: rssLoaded?.hwm ?? null,
    serverBytesPerMemory: perMemory(rssRestarted?.rss, rssEmpty?.rss),
    redisUsedMemory: {
      empty: redisBefore?.usedMemory ?? null,
      loaded: redisLoaded?.usedMemory ?? null,
    },
    redisBytesPerMemory: perMemory(redisLoaded?.usedMemory, redisBefore?.usedMemory),
  };
  const s = await study(ctx);
  const operating = s.truths.map((t) => {
    const p = operatingPoint(s.points, t.filter.name, o.targetRecall);
    return { filter: t.filter.name, share: t.share, point: p };
  });
  const mib = (b: number | null): Cell => (b === null ? null : round(b / 2 ** 20, 1));
  const tables: Table[] = [
    {
      title: `scale: ${n} memories × ${o.dim} dims (${o.data})`,
      headers: ['figure', 'value'],
      rows: [
        [
          'load rate (memories/s, UpsertEpisodic through mnemo)',
          load === null ? null : round(load.rate, 0),
        ],
        ['load time (s)', load === null ? null : round(load.seconds, 1)],
        ['shutdown: SIGTERM → exit, index snapshot written (ms)', restarts?.shutdownMs ?? null],
        [
          `restart on the snapshot: spawn → MemoryService SERVING (ms)${sourceNote(restarts?.fromSnapshot, 'snapshot')}`,
          restarts === null ? null : restarts.fromSnapshot.readyMs,
        ],
        [
          '  of which /metrics up → SERVING: snapshot load (ms)',
          restarts?.fromSnapshot.indexMs ?? null,
        ],
        [
          `restart without snapshot: spawn → MemoryService SERVING (ms)${sourceNote(restarts?.rebuild, 'rebuild')}`,
          restarts === null ? null : restarts.rebuild.readyMs,
        ],
        [
          '  of which /metrics up → SERVING: rebuild from Redis (ms)',
          restarts?.rebuild.indexMs ?? null,
        ],
        ['server RSS empty (MiB)', mib(memory.serverRss.empty)],
        ['server RSS after load (MiB)', mib(memory.serverRss.loaded)],
        ['server RSS after rebuild restart (MiB)', mib(memory.serverRss.restarted)],
        ['server bytes per memory (RSS after rebuild − empty)', memory.serverBytesPerMemory],
        ['Redis used_memory after load (MiB)', mib(memory.redisUsedMemory.loaded)],
        ['Redis bytes per memory (used_memory delta)', memory.redisBytesPerMemory],
      ],
    },
    {
      title: `operating points: smallest ef_runtime with recall@${o.k} ≥ ${o.targetRecall} (${o.inflight} in flight)`,
      headers: sweepHeaders(o.k),
      rows: operating.map((x) => {
        const head = [x.filter, round(100 * x.share, 2), plannerPath(x.share, n, exactLimit(ctx))];
        return x.point === null
          ? [...head, `not reached (ef ≤ ${Math.max(...o.efs)})`, null, null, null, null, null]
          : [
              ...head,
              String(x.point.ef),
              x.point.recall,
              x.point.qps,
              x.point.distancesPerQuery,
              x.point.latencyMs.p50,
              x.point.latencyMs.p99,
            ];
      }),
    },
    sweepTable(ctx, s),
  ];
  if (s.redisearch !== null)
    tables.push(...redisearchTables(s.redisearch, o.targetRecall, o.inflight));
  const notes = await studyNotes(ctx);
  if (load?.generationTimed === true) {
    notes.push('load rate includes generating the vectors in the harness (data set over 256 MiB)');
  }
  if (mnemo.child === null) notes.push('--target: server RSS and restart time are not measured');
  return {
    results: {
      load,
      restarts,
      memory,
      operatingPoints: operating,
      exact: s.truths.map((t) => t.point),
      sweep: s.points,
      redisearch: s.redisearch,
    },
    tables,
    charts: [recallChart(ctx, s)],
    notes,
  };
}
