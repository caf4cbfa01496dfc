/**
 * mnemo's Prometheus endpoint (MNEMO_METRICS_ADDRESS, GET /metrics) as the harness reads it: the
 * samples it keeps, deltas over a measurement, and the figures derived from them.
 */

/**
 * Metric families the harness keeps: mnemo's own, the server-side search latency, and the
 * process's CPU (the reconcile phase).
 */
const KEPT_METRICS = [
  'mnemo_',
  'process_cpu_seconds_total',
  'redis_memory_query_seconds_sum',
  'redis_memory_query_seconds_count',
];

/**
 * The kept samples of the server at `address` (host:port), keyed by name and labels as exposed
 * (`mnemo_index_memories{kind="episodic"}`); null when it does not answer within `timeoutMs`.
 */
export async function scrapeMetrics(
  address: string,
  timeoutMs = 5000,
): Promise<Record<string, number> | null> {
  try {
    const response = await fetch(`http://${address}/metrics`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return null;
    return parseMetrics(await response.text());
  } catch {
    return null;
  }
}

/** Samples of the kept metrics (no histogram buckets) from the Prometheus text format. */
export function parseMetrics(text: string): Record<string, number> {
  const samples: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!KEPT_METRICS.some((prefix) => line.startsWith(prefix)) || line.includes('_bucket{')) {
      continue;
    }
    const space = line.lastIndexOf(' ');
    const value = Number(line.slice(space + 1));
    if (space > 0 && Number.isFinite(value)) samples[line.slice(0, space)] = value;
  }
  return samples;
}

/** The sample of `name` for the episodic index (label kind="episodic"); null when absent. */
export function episodic(samples: Record<string, number>, name: string): number | null {
  return samples[`${name}{kind="episodic"}`] ?? null;
}

/**
 * Vector distances the index computed per search over a measurement, from a metrics delta:
 * mnemo_index_distance_computations_total over mnemo_search_plans_total (plans exact, hnsw and
 * hnsw_filtered; an empty plan computes nothing). Null when the server reported no computations
 * (a server without the metric) or no such searches.
 */
export function distancesPerSearch(delta: Record<string, number>): number | null {
  let computations = 0;
  let searches = 0;
  for (const [name, value] of Object.entries(delta)) {
    if (name.startsWith('mnemo_index_distance_computations_total')) computations += value;
    if (name.startsWith('mnemo_search_plans_total') && !name.includes('plan="empty"')) {
      searches += value;
    }
  }
  return computations > 0 && searches > 0 ? Math.round((10 * computations) / searches) / 10 : null;
}

/** after − before for every sample (counters and sums over a measurement). */
export function metricsDelta(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) {
    const d = value - (before[name] ?? 0);
    if (d !== 0) delta[name] = Math.round(d * 1e6) / 1e6;
  }
  return delta;
}
