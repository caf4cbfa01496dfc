import type { EpisodicFilter } from '../../src/generated/mnemo/v1/EpisodicFilter.js';
import type { Server } from './context.js';
import { SELECTIVITY_FILTERS, selectivityFilter, type SelectivityFilter } from './dataset.js';
import { mergeRuns, pooled, splitEvenly, throughput, type RunResult } from './driver.js';
import { distancesPerSearch, metricsDelta } from './serverMetrics.js';
import { processCpuSeconds } from './procCpu.js';
import { status } from './progress.js';
import { round, summarize, type LatencySummary } from './stats.js';

/** One search system as the sweep sees it: ids of the k nearest within a filter. */
export interface Searcher {
  name: string;
  /** ef = 0: the system's default; exact: brute force (the truth). */
  search(
    query: Buffer,
    filter: EpisodicFilter,
    k: number,
    ef: number,
    exact: boolean,
  ): Promise<string[]>;
  /** The server's metrics (parseMetrics samples), when it has an endpoint the harness reads. */
  metrics?(): Promise<Record<string, number>>;
  /**
   * CPU seconds the processes answering (the server and the Redis behind it) have used so far,
   * every thread, from /proc; null when one of them is unknown (not started by the harness).
   */
  cpuSeconds?(): number | null;
}

/** The summed CPU seconds of processes, null when one cannot be read. */
export function cpuOf(pids: () => readonly (number | undefined)[]): () => number | null {
  return () => {
    let sum = 0;
    for (const pid of pids()) {
      const seconds = processCpuSeconds(pid);
      if (seconds === null) return null;
      sum += seconds;
    }
    return sum;
  };
}

export interface MnemoSearcherOptions {
  /** Each search a message of SearchEpisodicStream (one stream per channel), not a unary call. */
  stream?: boolean;
  /** The pid of the Redis behind the server, counted in cpuSeconds with the server's own. */
  redisPid?: number | undefined;
  /** Calls go round the first this many of the server's channels (all of them when absent). */
  channels?: number;
}

/** mnemo through gRPC, spreading calls over the server's channels (connections). */
export function mnemoSearcher(server: Server, options: MnemoSearcherOptions = {}): Searcher {
  let calls = 0;
  const child = server.child;
  const stream = options.stream === true;
  const channels = Math.max(1, Math.min(options.channels ?? Infinity, server.channels.size));
  return {
    name: stream ? `${server.name} stream` : server.name,
    async search(query, filter, k, ef, exact) {
      const request = { vector: { f32le: query }, k, filter, ef_runtime: ef, exact };
      const channel = calls++ % channels;
      const response = stream
        ? await server.channels.streamSearch(request, channel)
        : await server.channels.search(request, channel);
      return response.hits.map((h) => h.memory?.id ?? '');
    },
    ...(child === null ? {} : { metrics: () => child.metrics() }),
    cpuSeconds: cpuOf(() => [server.pid?.(), options.redisPid]),
  };
}

/** Recall and speed of one setting (one filter, one ef) over all queries. */
export interface SweepPoint {
  system: string;
  filter: string;
  /** Share of the loaded memories passing the filter. */
  share: number;
  /** ef_runtime, or "exact" for brute force. */
  ef: number | 'exact';
  recall: number;
  qps: number;
  latencyMs: LatencySummary;
  errors: number;
  /**
   * Vector distances the server's index computed per search (its /metrics over the setting's
   * runs); null when the server does not report them.
   */
  distancesPerQuery: number | null;
  /** Server CPU per answered query in µs (Searcher.cpuSeconds over the runs); null: unknown. */
  cpuUsPerQuery: number | null;
}

/** Server CPU per answered call of a run in µs, null when unknown or nothing was answered. */
export function cpuUsPerCall(run: RunResult): number | null {
  const cpu = run.serverCpuSeconds;
  if (typeof cpu !== 'number' || run.latencies.length === 0) return null;
  return Math.round((1e6 * cpu) / run.latencies.length);
}

/** Ids of the exact k nearest per query, for one filter. */
export interface Truth {
  filter: SelectivityFilter;
  share: number;
  ids: string[][];
  /** The exact searches as a measured setting (recall 1 by definition). */
  point: SweepPoint;
}

export function chosenFilters(names: readonly string[]): SelectivityFilter[] {
  return names.length === 0 ? [...SELECTIVITY_FILTERS] : names.map(selectivityFilter);
}

/** recall@k: the share of the true neighbours found, over all queries. */
export function recallOf(truth: readonly string[][], got: readonly string[][]): number {
  let expected = 0;
  let found = 0;
  truth.forEach((want, q) => {
    const ids = new Set(got[q] ?? []);
    expected += want.length;
    found += want.filter((id) => ids.has(id)).length;
  });
  return expected === 0 ? 1 : found / expected;
}

function point(
  system: string,
  filter: SelectivityFilter,
  share: number,
  ef: number | 'exact',
  recall: number,
  run: RunResult,
  delta: Record<string, number>,
): SweepPoint {
  const l = summarize(run.latencies);
  return {
    system,
    filter: filter.name,
    share: round(share, 5),
    ef,
    recall: round(recall, 4),
    qps: round(throughput(run), 1),
    latencyMs: {
      count: l.count,
      mean: round(l.mean, 3),
      min: round(l.min, 3),
      p50: round(l.p50, 3),
      p95: round(l.p95, 3),
      p99: round(l.p99, 3),
      max: round(l.max, 3),
    },
    errors: run.errors,
    distancesPerQuery: distancesPerSearch(delta),
    cpuUsPerQuery: cpuUsPerCall(run),
  };
}

/** Adds every sample of `delta` into `total`. */
function accumulate(total: Record<string, number>, delta: Record<string, number>): void {
  for (const [name, value] of Object.entries(delta)) total[name] = (total[name] ?? 0) + value;
}

/**
 * Runs every query once with `inflight` calls in flight; answers the ids per query, and the
 * server's metrics delta over the run (empty when the searcher has no metrics).
 */
export async function runQueries(
  searcher: Searcher,
  queries: readonly Buffer[],
  filter: EpisodicFilter,
  k: number,
  ef: number,
  exact: boolean,
  inflight: number,
): Promise<{ ids: string[][]; run: RunResult; delta: Record<string, number> }> {
  const ids: string[][] = queries.map(() => []);
  const before = (await searcher.metrics?.()) ?? {};
  const cpuBefore = searcher.cpuSeconds?.() ?? null;
  const run = await pooled(queries.length, inflight, async (q) => {
    ids[q] = await searcher.search(queries[q] ?? Buffer.alloc(0), filter, k, ef, exact);
  });
  const cpuAfter = searcher.cpuSeconds?.() ?? null;
  const after = (await searcher.metrics?.()) ?? {};
  const serverCpuSeconds = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return { ids, run: { ...run, serverCpuSeconds }, delta: metricsDelta(before, after) };
}

/** The exact answers (the server's `exact: true`) for every filter. */
export async function exactTruth(
  searcher: Searcher,
  queries: readonly Buffer[],
  filters: readonly SelectivityFilter[],
  shares: ReadonlyMap<string, number>,
  k: number,
  inflight: number,
  quiet: boolean,
): Promise<Truth[]> {
  const truths: Truth[] = [];
  for (const filter of filters) {
    status(`exact truth: ${filter.name}`, quiet);
    const { ids, run, delta } = await runQueries(
      searcher,
      queries,
      filter.filter,
      k,
      0,
      true,
      inflight,
    );
    const share = shares.get(filter.name) ?? filter.share;
    truths.push({
      filter,
      share,
      ids,
      point: point(searcher.name, filter, share, 'exact', 1, run, delta),
    });
  }
  return truths;
}

/** What the runs of one setting found and cost, gathered over the sweep's rounds. */
interface SettingRuns {
  ids: string[][];
  runs: RunResult[];
  /** The server's metrics deltas, summed over the runs. */
  delta: Record<string, number>;
}

/**
 * Recall and QPS at each ef for each filter, against the truths. The queries are split in
 * `rounds` parts, each run at every ef, the ef order alternating (ascending, descending…), so that
 * drift of a shared machine is spread over all settings.
 */
export async function sweep(
  searcher: Searcher,
  queries: readonly Buffer[],
  truths: readonly Truth[],
  efs: readonly number[],
  k: number,
  inflight: number,
  quiet: boolean,
  rounds = 2,
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const truth of truths) {
    status(`${searcher.name} sweep: ${truth.filter.name}, ef ${efs.join(',')}`, quiet);
    const results = new Map<number, SettingRuns>(
      efs.map((ef) => [ef, { ids: queries.map((): string[] => []), runs: [], delta: {} }]),
    );
    let start = 0;
    for (const [round, part] of splitEvenly(queries.length, rounds).entries()) {
      const chunk = queries.slice(start, start + part);
      for (const ef of round % 2 === 0 ? efs : [...efs].reverse()) {
        const { ids, run, delta } = await runQueries(
          searcher,
          chunk,
          truth.filter.filter,
          k,
          ef,
          false,
          inflight,
        );
        const result = results.get(ef);
        ids.forEach((found, q) => result?.ids.splice(start + q, 1, found));
        result?.runs.push(run);
        if (result !== undefined) accumulate(result.delta, delta);
      }
      start += part;
    }
    for (const ef of efs) {
      const result = results.get(ef);
      if (result === undefined) continue;
      points.push(
        point(
          searcher.name,
          truth.filter,
          truth.share,
          ef,
          recallOf(truth.ids, result.ids),
          mergeRuns(result.runs),
          result.delta,
        ),
      );
    }
  }
  return points;
}

/** Measures one setting (used for the side-by-side comparison at the chosen ef). */
export async function measurePoint(
  searcher: Searcher,
  queries: readonly Buffer[],
  truth: Truth,
  ef: number,
  k: number,
  inflight: number,
): Promise<SweepPoint> {
  const { ids, run, delta } = await runQueries(
    searcher,
    queries,
    truth.filter.filter,
    k,
    ef,
    false,
    inflight,
  );
  return point(searcher.name, truth.filter, truth.share, ef, recallOf(truth.ids, ids), run, delta);
}

/**
 * The cheapest setting reaching the target recall for one filter: the smallest ef that reaches it
 * (QPS falls as ef grows; the server's default, ef 0, is not a setting); null when none does.
 */
export function operatingPoint(
  points: readonly SweepPoint[],
  filter: string,
  targetRecall: number,
): SweepPoint | null {
  const candidates = points
    .filter(
      (p) =>
        p.filter === filter && typeof p.ef === 'number' && p.ef > 0 && p.recall >= targetRecall,
    )
    .sort((a, b) => (a.ef as number) - (b.ef as number));
  return candidates[0] ?? null;
}

/** Which path mnemo's planner takes for a filter (from its documented rule, not observed). */
export function plannerPath(
  share: number,
  memories: number,
  exactSearchMaxCandidates: number,
): string {
  const candidates = Math.round(share * memories);
  if (candidates <= exactSearchMaxCandidates) return 'brute force';
  return share >= 1 ? 'hnsw' : 'hnsw+bitmap';
}
