import { readFileSync } from 'node:fs';
import type { MnemoClient } from '../client/index.js';
import { UsageError } from './connection.js';

const SERVICES = [
  '',
  'mnemo.v1.MemoryService',
  'mnemo.v1.CacheService',
  'mnemo.v1.RateLimitService',
  'mnemo.v1.AuditService',
];

/** Every service's serving status; true when all serve. */
export async function health(
  client: MnemoClient,
  out: NodeJS.WritableStream,
  json: boolean,
): Promise<boolean> {
  const statuses: Record<string, string> = {};
  for (const service of SERVICES)
    statuses[service === '' ? 'server' : service] = await client.health(service);
  if (json) out.write(`${JSON.stringify(statuses)}\n`);
  else
    for (const [name, state] of Object.entries(statuses))
      out.write(`${name.padEnd(28)} ${state}\n`);
  return Object.values(statuses).every((state) => state === 'SERVING');
}

/** The value of each sample of `name` in a Prometheus text exposition, with its labels. */
function samples(text: string, name: string): { labels: string; value: number }[] {
  const found: { labels: string; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name) found.push({ labels: match[2] ?? '', value: Number(match[3]) });
  }
  return found;
}

/**
 * What the server serves (GetInfo: index sizes, ef chosen, recall estimates) and, from its
 * /metrics, Redis memory, the Redis nodes it reads (master and replicas) and change-stream lag.
 */
export async function stats(
  client: MnemoClient,
  metricsUrl: string,
  out: NodeJS.WritableStream,
  json: boolean,
): Promise<void> {
  const info = await client.memory.getInfo({});
  const report: Record<string, unknown> = {
    version: info.version,
    dimension: info.dimension,
    engine: info.index_engine,
    episodic: info.episodic,
    semantic: info.semantic,
  };
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
    const text = await response.text();
    const nodes = samples(text, 'mnemo_breaker_state');
    report.redis = {
      used_memory_bytes: samples(text, 'redis_memory_usage_bytes')[0]?.value ?? null,
      nodes: nodes.length,
      replicas: Math.max(0, nodes.length - 1),
      open_breakers: nodes.filter((node) => node.value === 2).length,
    };
    report.change_stream_lag_seconds =
      samples(text, 'mnemo_change_stream_lag_seconds')[0]?.value ?? null;
  } catch (error) {
    report.metrics_error = `${metricsUrl}: ${(error as Error).message}`;
  }
  if (json) {
    out.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const rows: [string, unknown][] = [
    ['version', info.version],
    ['dimension', info.dimension],
    ['engine', info.index_engine],
  ];
  for (const kind of ['episodic', 'semantic'] as const) {
    const index = info[kind];
    if (index == null) continue;
    rows.push(
      [`${kind} memories`, index.memories],
      [`${kind} ef`, index.ef_default],
      [`${kind} recall estimate`, index.recall_estimate],
    );
  }
  const redis = report.redis as Record<string, unknown> | undefined;
  if (redis !== undefined) {
    rows.push(
      ['redis used memory (bytes)', redis.used_memory_bytes],
      ['redis replicas', redis.replicas],
      ['redis open breakers', redis.open_breakers],
      ['change stream lag (s)', report.change_stream_lag_seconds],
    );
  } else rows.push(['metrics', report.metrics_error]);
  for (const [name, value] of rows) out.write(`${name.padEnd(28)} ${String(value)}\n`);
}

/** The floats of a vector file (or stdin): a JSON array, or numbers separated by spaces or commas. */
export function readVector(path: string | undefined): number[] {
  const text = readFileSync(path === undefined || path === '-' ? 0 : path, 'utf8').trim();
  const values = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(/[\s,]+/);
  const floats = values.map(Number);
  if (floats.length === 0 || floats.some((v) => !Number.isFinite(v))) {
    throw new UsageError(
      'the vector must be finite numbers: a JSON array, or separated by spaces or commas',
    );
  }
  return floats;
}

export interface SearchFlags {
  kind: 'episodic' | 'semantic';
  vector: number[];
  k: number;
  agents: string[];
  products: string[];
  regimes: string[];
  rewardMin: number | undefined;
  rewardMax: number | undefined;
  exact: boolean;
}

/** One search; the hits as a table or JSON lines. */
export async function search(
  client: MnemoClient,
  flags: SearchFlags,
  out: NodeJS.WritableStream,
  json: boolean,
): Promise<void> {
  const reward =
    flags.rewardMin === undefined && flags.rewardMax === undefined
      ? undefined
      : {
          ...(flags.rewardMin === undefined ? {} : { min: flags.rewardMin }),
          ...(flags.rewardMax === undefined ? {} : { max: flags.rewardMax }),
        };
  const rows: Record<string, string | number | undefined>[] = [];
  if (flags.kind === 'episodic') {
    const { hits } = await client.memory.searchEpisodic({
      vector: flags.vector,
      k: flags.k,
      exact: flags.exact,
      filter: {
        agent_ids: flags.agents,
        product_ids: flags.products,
        regimes: flags.regimes,
        ...(reward === undefined ? {} : { reward }),
      },
    });
    for (const hit of hits) {
      const m = hit.memory;
      rows.push({
        id: m?.id,
        distance: hit.distance,
        agent_id: m?.agent_id,
        product_id: m?.product_id,
        regime: m?.regime,
        reward: m?.reward,
        timestamp: m?.timestamp,
      });
    }
  } else {
    if (flags.agents.length + flags.products.length > 0 || reward !== undefined) {
      throw new UsageError('semantic search filters by --regime only');
    }
    const { hits } = await client.memory.searchSemantic({
      vector: flags.vector,
      k: flags.k,
      exact: flags.exact,
      filter: { regime_names: flags.regimes },
    });
    for (const hit of hits) {
      const m = hit.memory;
      rows.push({
        id: m?.id,
        distance: hit.distance,
        memory_type: m?.memory_type,
        regime_name: m?.regime_name,
        sharpe_ratio: m?.sharpe_ratio,
        win_rate: m?.win_rate,
      });
    }
  }
  if (json) {
    for (const row of rows) out.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const columns = Object.keys(rows[0] ?? { id: '', distance: '' });
  const cells = rows.map((row) =>
    columns.map((c) =>
      typeof row[c] === 'number' ? Number(row[c].toPrecision(6)).toString() : (row[c] ?? ''),
    ),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  out.write(`${columns.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}\n`);
  for (const r of cells) out.write(`${r.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ')}\n`);
}
