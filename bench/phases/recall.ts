/**
 * recall: recall@k of mnemo's default (approximate) search against its exact search, per
 * ef_runtime and filter selectivity, with QPS; the study scale.ts repeats at 100k–1M memories.
 */
import { encodeQueries, type BenchContext } from '../lib/context.js';
import { status } from '../lib/progress.js';
import type { Cell, Chart, PhaseOutput, Table } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { lineChart, PALETTE, type Series } from '../lib/svg.js';
import {
  chosenFilters,
  exactTruth,
  mnemoSearcher,
  plannerPath,
  runQueries,
  sweep,
  type SweepPoint,
  type Truth,
} from '../lib/sweep.js';
import { compareRedisearch, redisearchTables, type RedisearchComparison } from './redisearch.js';

/** What the recall study measured on the loaded data. */
export interface Study {
  truths: Truth[];
  points: SweepPoint[];
  redisearch: RedisearchComparison | null;
}

/** Columns of a sweep or operating-point table. */
export function sweepHeaders(k: number): string[] {
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
    'server CPU µs/query',
  ];
}

/** The server's brute-force threshold (MNEMO_EXACT_SEARCH_MAX_CANDIDATES). */
export function exactLimit(ctx: BenchContext): number {
  return ctx.options.serverSettings.exactSearchMaxCandidates;
}

/** Exact truth, the ef sweep and (when asked) the RediSearch comparison, on loaded data. */
export async function study(ctx: BenchContext): Promise<Study> {
  const o = ctx.options;
  const mnemo = ctx.requireMnemo();
  const filters = chosenFilters(o.filters);
  const shares = new Map(filters.map((f) => [f.name, ctx.dataset.share(f)]));
  const queries = encodeQueries(ctx.dataset.queries(o.queries));
  const redisPid = ctx.redis?.pid;
  const searcher = mnemoSearcher(mnemo, { redisPid });
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
  // The side by side's mnemo sides talk over as many connections as RediSearch's side.
  const sideBySide = { redisPid, channels: o.connections };
  const redisearch = o.compare.has('redisearch')
    ? await compareRedisearch(
        ctx,
        mnemoSearcher(mnemo, sideBySide),
        o.compare.has('stream') ? mnemoSearcher(mnemo, { ...sideBySide, stream: true }) : null,
        points,
        queries,
        truths,
      )
    : null;
  return { truths, points, redisearch };
}

export function sweepTable(ctx: BenchContext, s: Study): Table {
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
      e.cpuUsPerQuery,
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
        p.cpuUsPerQuery,
      ]);
    }
  }
  return {
    title: `recall@${o.k} vs exact (the server's exact: true), ${o.queries} queries per setting, ${o.inflight} in flight`,
    headers: sweepHeaders(o.k),
    rows,
  };
}

export function recallChart(ctx: BenchContext, s: Study): Chart {
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

export async function studyNotes(ctx: BenchContext): Promise<string[]> {
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
    tables.push(
      ...redisearchTables(
        s.redisearch,
        ctx.options.targetRecall,
        ctx.options.inflight,
        ctx.options.connections,
      ),
    );
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
