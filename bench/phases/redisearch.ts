/**
 * `--compare redisearch`: the same data in a Redis with the Query Engine, FT.SEARCH KNN with the
 * same filters from this process, side by side with mnemo at equal recall (each at the smallest
 * ef reaching the target recall against the same exact truth), `--inflight` calls in flight over
 * `--connections` connections on every side (RediSearch's clients, mnemo's channels and streams).
 */
import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../lib/context.js';
import { mergeRuns, type RunResult } from '../lib/driver.js';
import { loadDataset, type LoadResult } from '../lib/loader.js';
import { processMemory, redisMemory } from '../lib/memoryFigures.js';
import { status } from '../lib/progress.js';
import { RedisearchTarget } from '../lib/redisearch.js';
import { startRedis } from '../lib/redisServer.js';
import type { Cell, Table } from '../lib/report.js';
import { ratio, round, summarize } from '../lib/stats.js';
import {
  operatingPoint,
  recallOf,
  runQueries,
  cpuOf,
  cpuUsPerCall,
  sweep,
  type Searcher,
  type SweepPoint,
  type Truth,
} from '../lib/sweep.js';

export interface SideBySide {
  filter: string;
  share: number;
  /** Whether both reached the target recall in the sweep (else: their best recall's ef). */
  targetReached: { mnemo: boolean; redisearch: boolean };
  mnemo: SideFigures;
  /** mnemo through SearchEpisodicStream at the same ef (`--compare stream`), else null. */
  mnemoStream: SideFigures | null;
  redisearch: SideFigures;
  /** mnemo QPS / RediSearch QPS. */
  qpsRatio: number | null;
  /** mnemo p99 / RediSearch p99. */
  p99Ratio: number | null;
  /** Server CPU per query, mnemo (unary) / RediSearch; null when one is unknown. */
  cpuRatio: number | null;
  /** Server CPU per query, mnemo through the stream / RediSearch. */
  streamCpuRatio: number | null;
}

interface SideFigures {
  ef: number;
  recall: number;
  qps: number;
  /** QPS of each of the side's runs, in the order they ran (the machine's drift, and warm-up). */
  qpsByRun: number[];
  p50: number;
  p99: number;
  errors: number;
  /**
   * Server CPU per query in µs (user + system of every thread, /proc): mnemo's process and its
   * Redis, or RediSearch's redis-server; null when a process is not the harness's own.
   */
  cpuUs: number | null;
}

export interface RedisearchComparison {
  module: string;
  /** Whether RediSearch indexed mnemo's own hashes (same Redis) or a copy of the data. */
  sharedRedis: boolean;
  /** Connections each side spread its calls in flight over. */
  connections: number;
  load: LoadResult | null;
  /** Time from FT.CREATE (shared) or the end of the load until indexing was done. */
  indexWaitMs: number;
  memory: {
    usedMemoryBytes: number | null;
    usedMemoryDeltaPerMemory: number | null;
    redisRssBytes: number | null;
    ftInfo: Record<string, string>;
  };
  sweep: SweepPoint[];
  sideBySide: SideBySide[];
}

/** One side of a side by side: its searcher at its ef, and its runs. */
interface Side {
  searcher: Searcher;
  ef: number;
  runs: { ids: string[][]; run: RunResult }[];
}

function pick(
  points: readonly SweepPoint[],
  filter: string,
  target: number,
): { ef: number; reached: boolean } {
  const chosen = operatingPoint(points, filter, target);
  if (chosen !== null && typeof chosen.ef === 'number') return { ef: chosen.ef, reached: true };
  const best = points
    .filter((p) => p.filter === filter && typeof p.ef === 'number')
    .sort((a, b) => b.recall - a.recall || (a.ef as number) - (b.ef as number))[0];
  return { ef: typeof best?.ef === 'number' ? best.ef : 0, reached: false };
}

function side(ef: number, recall: number, run: RunResult): SideFigures {
  const l = summarize(run.latencies);
  return {
    cpuUs: cpuUsPerCall(run),
    ef,
    recall: round(recall, 4),
    qps: round(run.seconds > 0 ? run.latencies.length / run.seconds : 0, 1),
    qpsByRun: (run.roundThroughputs ?? []).map((q) => Math.round(q)),
    p50: round(l.p50, 3),
    p99: round(l.p99, 3),
    errors: run.errors,
  };
}

/**
 * `mnemo` answers unary calls; `mnemoStream`, when given, the same searches as stream messages
 * (measured at mnemo's ef, beside the other two).
 */
export async function compareRedisearch(
  ctx: BenchContext,
  mnemo: Searcher,
  mnemoStream: Searcher | null,
  mnemoPoints: readonly SweepPoint[],
  queries: readonly Buffer[],
  truths: readonly Truth[],
): Promise<RedisearchComparison> {
  const o = ctx.options;
  let url = o.redisearchUrl;
  let pid: number | undefined;
  if (url === ctx.redisUrl) pid = ctx.redis?.pid;
  if (url === null) {
    if (o.redisearchModule === null) throw new Error('no RediSearch to compare with');
    const redis = await startRedis([o.redisearchModule]);
    ctx.cleanup.add('redis-server (RediSearch)', () => redis.stop());
    url = redis.url;
    pid = redis.pid;
  }
  const shared = url === ctx.redisUrl;
  const prefix = shared ? (o.serverEnv.MNEMO_KEY_PREFIX ?? '') : 'mnemo-bench:';
  const rs = new RedisearchTarget(url, prefix, o.dim);
  await rs.connect(o.connections);
  ctx.cleanup.add('RediSearch client', async () => {
    // Leave a Redis we did not start as we found it: our index gone, and our copy of the data
    // with it (mnemo's own hashes stay when the index was over them).
    if (o.redisearchUrl !== null) await rs.dropIndex(!shared).catch(() => undefined);
    await rs.close();
  });
  const module = await rs.moduleVersion();
  if (module === null) throw new Error(`${url} has no search module (MODULE LIST)`);
  ctx.env.versions.redisearchModule = module;
  await rs.dropIndex(!shared);
  const before = await redisMemory(url);
  let load: LoadResult | null = null;
  let indexWaitMs: number;
  if (shared) {
    status('RediSearch: FT.CREATE over mnemo’s hashes (background indexing)', o.quiet);
    const started = performance.now();
    await rs.createIndex();
    await rs.waitIndexed(ctx.dataset.size, 60 * 60_000);
    indexWaitMs = performance.now() - started;
  } else {
    status('RediSearch: FT.CREATE, then the same memories by HSET (indexed as written)', o.quiet);
    await rs.createIndex();
    load = await loadDataset(ctx.dataset, (batch) => rs.write(batch), {
      batch: o.loadBatch,
      inflight: o.loadInflight,
      quiet: o.quiet,
      label: 'loading RediSearch',
    });
    indexWaitMs = await rs.waitIndexed(ctx.dataset.size, 60 * 60_000);
  }
  const after = await redisMemory(url);
  const info = await rs.info();
  const ftInfo: Record<string, string> = {};
  for (const key of [
    'num_docs',
    'vector_index_sz_mb',
    'inverted_sz_mb',
    'doc_table_size_mb',
    'total_inverted_index_blocks',
  ]) {
    const value = info.get(key);
    if (value !== undefined) ftInfo[key] = value;
  }
  // The CPU of a redis-server the harness did not start is unknown (null).
  const searcher = rs.searcher(cpuOf(() => [pid]));
  // Warm-up before RediSearch's sweep, unmeasured (the side by side warms every side per filter).
  await runQueries(searcher, queries.slice(0, 100), {}, o.k, 10, false, o.inflight);
  const rsPoints = await sweep(
    searcher,
    queries,
    truths,
    o.efs.filter((ef) => ef > 0),
    o.k,
    o.inflight,
    o.quiet,
    o.rounds,
  );

  if (mnemoStream !== null) {
    // The unary side and RediSearch answered their sweeps before this; the stream had answered
    // nothing, and mnemo answers its first thousand or so stream messages at up to twice their
    // steady cost (the JIT on a path not taken yet). So the stream first answers what a sweep
    // asks, every filter at every ef, unmeasured, as the other sides did.
    status('warming the mnemo stream up: the sweep’s searches, unmeasured', o.quiet);
    for (const truth of truths) {
      for (const ef of o.efs) {
        await runQueries(mnemoStream, queries, truth.filter.filter, o.k, ef, false, o.inflight);
      }
    }
  }
  const sideBySide: SideBySide[] = [];
  for (const truth of truths) {
    const name = truth.filter.name;
    const m = pick(mnemoPoints, name, o.targetRecall);
    const r = pick(rsPoints, name, o.targetRecall);
    status(`side by side at ${name}: mnemo ef ${m.ef}, RediSearch EF_RUNTIME ${r.ef}`, o.quiet);
    const sideOf = (of: Searcher, ef: number): Side => ({ searcher: of, ef, runs: [] });
    const unary = sideOf(mnemo, m.ef);
    const stream = mnemoStream === null ? null : sideOf(mnemoStream, m.ef);
    const rediSide = sideOf(searcher, r.ef);
    const sides = [unary, ...(stream === null ? [] : [stream]), rediSide];
    const measure = (x: Side, few?: number) =>
      runQueries(
        x.searcher,
        queries.slice(0, few),
        truth.filter.filter,
        o.k,
        x.ef,
        false,
        o.inflight,
      );
    // Each side warmed up on this filter and setting first, unmeasured (its first run was often
    // its slowest: a path not taken since the sweep).
    for (const x of sides) await measure(x, 100);
    // Every query on every side in each of max(2, --rounds) rounds: A B C, C B A, A B C…
    for (let round = 0; round < Math.max(2, o.rounds); round++) {
      for (const x of round % 2 === 0 ? sides : [...sides].reverse()) x.runs.push(await measure(x));
    }
    const figuresOf = (x: Side): SideFigures =>
      side(x.ef, recallOf(truth.ids, x.runs[0]?.ids ?? []), mergeRuns(x.runs.map((y) => y.run)));
    const mf = figuresOf(unary);
    const rf = figuresOf(rediSide);
    const sf = stream === null ? null : figuresOf(stream);
    const rounded = (x: number | null): number | null => (x === null ? null : round(x, 3));
    sideBySide.push({
      filter: name,
      share: truth.share,
      targetReached: { mnemo: m.reached, redisearch: r.reached },
      mnemo: mf,
      mnemoStream: sf,
      redisearch: rf,
      qpsRatio: rounded(ratio(mf.qps, rf.qps)),
      p99Ratio: rounded(ratio(mf.p99, rf.p99)),
      cpuRatio: rounded(cpuRatioOf(mf, rf)),
      streamCpuRatio: sf === null ? null : rounded(cpuRatioOf(sf, rf)),
    });
  }
  const n = ctx.dataset.size;
  return {
    module,
    sharedRedis: shared,
    connections: o.connections,
    load,
    indexWaitMs: round(indexWaitMs, 1),
    memory: {
      usedMemoryBytes: after.usedMemory,
      usedMemoryDeltaPerMemory: n > 0 ? round((after.usedMemory - before.usedMemory) / n, 1) : null,
      redisRssBytes: processMemory(pid)?.rss ?? null,
      ftInfo,
    },
    sweep: rsPoints,
    sideBySide,
  };
}

function cpuRatioOf(a: SideFigures, b: SideFigures): number | null {
  return a.cpuUs === null || b.cpuUs === null ? null : ratio(a.cpuUs, b.cpuUs);
}

function connectionsOf(n: number): string {
  return n === 1 ? 'one connection' : `${n} connections`;
}

export function redisearchTables(
  c: RedisearchComparison,
  targetRecall: number,
  inflight: number,
  connections: number,
): Table[] {
  const flag = (reached: boolean): string => (reached ? '' : ' (target not reached)');
  const row = (filter: string, system: string, setting: string, f: SideFigures): Cell[] => [
    filter,
    system,
    setting,
    f.recall,
    f.qps,
    f.p50,
    f.p99,
    f.cpuUs,
    f.errors,
    f.qpsByRun.join(' '),
  ];
  const rows: Cell[][] = c.sideBySide.flatMap((s) => [
    row(s.filter, 'mnemo', `ef ${s.mnemo.ef}${flag(s.targetReached.mnemo)}`, s.mnemo),
    ...(s.mnemoStream === null
      ? []
      : [row(s.filter, 'mnemo stream', `ef ${s.mnemoStream.ef}`, s.mnemoStream)]),
    row(
      s.filter,
      'redisearch',
      `EF_RUNTIME ${s.redisearch.ef}${flag(s.targetReached.redisearch)}`,
      s.redisearch,
    ),
  ]);
  const streams = c.sideBySide.some((s) => s.mnemoStream !== null);
  return [
    {
      title: `RediSearch ${c.module} sweep (FT.SEARCH KNN, DIALECT 2, ${inflight} in flight on ${connectionsOf(connections)})`,
      headers: ['filter', 'EF_RUNTIME', 'recall', 'QPS', 'p50 ms', 'p99 ms', 'CPU µs/query'],
      rows: c.sweep.map((p) => [
        p.filter,
        String(p.ef),
        p.recall,
        p.qps,
        p.latencyMs.p50,
        p.latencyMs.p99,
        p.cpuUsPerQuery,
      ]),
    },
    {
      title: `mnemo vs RediSearch at recall ≥ ${targetRecall} (smallest ef reaching it; ${inflight} in flight on ${connectionsOf(connections)} per side, run A B, B A, … over all queries)`,
      headers: [
        'filter',
        'system',
        'setting',
        'recall',
        'QPS',
        'p50 ms',
        'p99 ms',
        'server CPU µs/query',
        'errors',
        'QPS by run',
      ],
      rows,
    },
    {
      title:
        'ratios (mnemo / RediSearch; server CPU: mnemo and its Redis / RediSearch’s redis-server)',
      headers: [
        'filter',
        'QPS ratio',
        'p99 ratio',
        'CPU/query ratio',
        ...(streams ? ['stream CPU/query ratio'] : []),
      ],
      rows: c.sideBySide.map((s) => [
        s.filter,
        s.qpsRatio,
        s.p99Ratio,
        s.cpuRatio,
        ...(streams ? [s.streamCpuRatio] : []),
      ]),
    },
  ];
}
