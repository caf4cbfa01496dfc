/**
 * What mnemo's own /metrics say about a measurement of phase1 and phase2 (batching, dedup, Redis
 * round trips, server-side search time, distances per search), from snapshots taken around it.
 */
import type { Server } from './context.js';
import type { TargetFigures } from './figures.js';
import type { Table } from './report.js';
import { distancesPerSearch, metricsDelta } from './serverMetrics.js';

/** What mnemo's own metrics say about a measurement: batching, dedup, Redis round trips. */
export interface ServerStats {
  target: string;
  batches: number;
  meanBatchSize: number | null;
  coalesced: number;
  redisReadsPerCall: number | null;
  /** Mean search time inside the server (its query histogram), ms. */
  serverMeanMs: number | null;
  /**
   * Vector distances the index computed per index search (not per call: coalesced calls and
   * empty plans search nothing); null when the server does not report them.
   */
  distancesPerQuery: number | null;
  /** Every changed mnemo_* sample (deltas over the measurement). */
  delta: Record<string, number>;
}

/** Each server's samples at one moment, by server name. */
export type Snapshot = Map<string, Record<string, number>>;

/** The samples of every mnemo child ({} for the other servers: the echo, a --target). */
export async function snapshot(servers: readonly Server[]): Promise<Snapshot> {
  const entries = await Promise.all(
    servers.map(async (s) => [s.name, (await s.child?.metrics()) ?? {}] as const),
  );
  return new Map(entries);
}

function sumOf(delta: Record<string, number>, prefix: string): number {
  let sum = 0;
  for (const [name, value] of Object.entries(delta)) if (name.startsWith(prefix)) sum += value;
  return sum;
}

/** Mean of the server's search latency histogram over the measurement, in ms. */
function serverMean(delta: Record<string, number>): number | null {
  let sum = 0;
  let count = 0;
  for (const [name, value] of Object.entries(delta)) {
    // Episodic searches: query_type "hybrid" (filtered) or "vector_similarity".
    const search = !name.includes('semantic');
    if (search && name.startsWith('redis_memory_query_seconds_sum')) sum += value;
    if (search && name.startsWith('redis_memory_query_seconds_count')) count += value;
  }
  return count > 0 ? Math.round((1e6 * sum) / count) / 1000 : null;
}

/** The figures of each server with samples, over before → after. */
export function serverStats(
  before: Snapshot,
  after: Snapshot,
  all: readonly TargetFigures[],
): ServerStats[] {
  const stats: ServerStats[] = [];
  for (const [name, end] of after) {
    if (Object.keys(end).length === 0) continue;
    const delta = metricsDelta(before.get(name) ?? {}, end);
    const batches = sumOf(delta, 'mnemo_batch_size_count');
    const calls = all.find((f) => f.target === name)?.calls ?? 0;
    const reads = sumOf(delta, 'mnemo_redis_reads_total');
    stats.push({
      target: name,
      batches,
      meanBatchSize:
        batches > 0
          ? Math.round((100 * sumOf(delta, 'mnemo_batch_size_sum')) / batches) / 100
          : null,
      coalesced: sumOf(delta, 'mnemo_dedup_coalesced_total'),
      redisReadsPerCall: calls > 0 && reads > 0 ? Math.round((100 * reads) / calls) / 100 : null,
      serverMeanMs: serverMean(delta),
      distancesPerQuery: distancesPerSearch(delta),
      delta,
    });
  }
  return stats;
}

/** ServerStats as a table, rows by concurrency level. */
export function statsTable(
  title: string,
  rows: { level: number | null; stats: ServerStats[] }[],
): Table {
  return {
    title,
    headers: [
      'agents',
      'target',
      'batches',
      'mean batch',
      'coalesced',
      'redis reads/call',
      'server mean ms',
      'distances/query',
    ],
    rows: rows.flatMap((r) =>
      r.stats.map((s) => [
        r.level,
        s.target,
        s.batches,
        s.meanBatchSize,
        s.coalesced,
        s.redisReadsPerCall,
        s.serverMeanMs,
        s.distancesPerQuery,
      ]),
    ),
  };
}
