import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DataKind } from './dataset.js';
import { loopbackAddress, loopbackRedisUrl } from './loopback.js';
import type { ClientKind } from './rpc.js';
import { repoRoot } from './repoRoot.js';
import { serverSettings, type ServerSettings } from './serverSettings.js';

export const PHASES = [
  'phase1',
  'phase2',
  'phase3',
  'recall',
  'scale',
  'agents',
  'reconcile',
  'fanout',
  'import',
] as const;
export type Phase = (typeof PHASES)[number];
export type Comparison =
  'naive' | 'secure' | 'redisearch' | 'reconcile' | 'stream' | 'asof' | 'ranked';
const COMPARISONS: readonly string[] = [
  'naive',
  'secure',
  'redisearch',
  'reconcile',
  'stream',
  'asof',
  'ranked',
];

/** The server's default MNEMO_RECONCILE_PER_SECOND (docs/configuration.md). */
export const DEFAULT_RECONCILE_PER_SECOND = 10_000;

export interface BenchOptions {
  phase: Phase;
  /** An already running mnemo (host:port); null = start our own redis-server and mnemo child. */
  target: string | null;
  /** An already running mnemo in naive mode, for `--compare naive` with `--target`. */
  naiveTarget: string | null;
  /** Redis of the self-started mnemo (instead of our own redis-server), or of the target. */
  redisUrl: string | null;
  memories: number;
  dim: number;
  data: DataKind;
  clusters: number;
  seed: number;
  k: number;
  json: string | undefined;
  outDir: string;
  concurrency: number[];
  queries: number;
  warmup: number;
  /** Rounds of alternating order over which compared things are measured. */
  rounds: number;
  compare: Set<Comparison>;
  redisearchUrl: string | null;
  redisearchModule: string | null;
  efs: number[];
  filters: string[];
  inflight: number;
  /**
   * Connections every side of the RediSearch side by side spreads its calls in flight over (the
   * same number for each): RediSearch's clients, mnemo's unary channels, mnemo's streams.
   */
  connections: number;
  targetRecall: number;
  duration: number;
  speedup: number;
  agents: number;
  queryInterval: number;
  /** phase3: times an agent asks each question in a row (the result cache answers repeats). */
  reask: number;
  tradeInterval: number;
  loadBatch: number;
  loadInflight: number;
  /** MNEMO_RECONCILE_PER_SECOND of the child with the reconciliation on (reconcile phase). */
  reconcilePerSecond: number;
  /** fanout: subscribers over the two mnemo instances (and Redis connections of the floor). */
  subscribers: number;
  /** Shortest measured idle window of the reconcile phase, seconds. */
  window: number;
  serverEnv: Record<string, string>;
  /** phase1-2: searches without a filter instead of each agent's own 10% (`--unfiltered`). */
  unfiltered: boolean;
  /** Where the mnemo children write a V8 CPU profile when they stop (`--cpu-prof`), or null. */
  cpuProfDir: string | null;
  /** What the harness plans by of the self-started servers' settings (from serverEnv). */
  serverSettings: ServerSettings;
  /** The load generator's client of the search phases: grpc-js or the cheap raw HTTP/2 one. */
  client: ClientKind;
  noLoad: boolean;
  maxMinutes: number;
  quiet: boolean;
}

export const USAGE = `usage: npm run bench -- <phase> [options]

phases:
  phase1   single agent: load N memories, sequential SearchEpisodic calls with an agent filter
  phase2   concurrent agents at each --concurrency level, --queries calls per agent
  phase3   production simulation: --agents agents querying every --query-interval s and writing
           on trades, for --duration simulated seconds, --speedup times faster than real time
  recall   recall@k against exact search (the server's exact: true) per ef_runtime and filter
           selectivity, with QPS at --inflight calls in flight
  scale    load rate, memory per memory, restart (rebuild) time, QPS and p99 at recall >= target
  agents   RateLimitService.Acquire and AuditService.Append throughput (--queries calls each)
  reconcile the reconciliation's cost per 100k memories checked: Redis commands and CPU, mnemo
           CPU, over an idle window against a child with the reconciliation off
  fanout   signals: 1 publisher -> --subscribers subscribers over two mnemo, publish->deliver
           p50/p99 (live and durable), beside bare Redis PUBLISH/SUBSCRIBE (--queries messages)
  import   the \`mnemo import\` CLI beside the bench's loader: the data set as a JSON-lines
           file, imported with --load-batch and --load-inflight into a fresh mnemo, memories/s

options:
  --target host:port       a running mnemo (default: own redis-server + mnemo child process)
  --naive-target host:port a running mnemo in naive mode (with --target and --compare naive)
  --redis-url url          Redis for the self-started mnemo, or the target's (for INFO memory)
  --memories N             memories to load (phase1-3, recall, reconcile: 10000; scale,
                           import: 100000)
  --dim D                  vector dimension (256)
  --data clustered|uniform synthetic vector distribution (clustered)
  --clusters C             clusters of the clustered data (100)
  --seed S                 data seed (42)
  --k K                    neighbours per search (10)
  --concurrency 1,5,...    phase2 levels (1,5,10,20,50); agents: the largest
  --queries Q              phase1: calls (1000); phase2: per agent and level (100);
                           recall/scale: queries per setting (500); agents: calls per RPC (20000)
  --warmup W               warm-up calls per target before measuring (200)
  --rounds R               compared targets (and sweep settings) are measured in R rounds of
                           alternating order, A B C then C B A…, against drift (2)
  --compare naive,secure,redisearch,reconcile,stream,asof,ranked
                           naive: the same workload through a second mnemo child with
                           MNEMO_SEARCH_PIPELINE=naive (phase1-3); secure: through a further mnemo
                           child serving TLS and requiring a bearer token, called over TLS with an
                           agent token (phase1-2, not with --target); redisearch: the same data in
                           a Redis with the Query Engine, FT.SEARCH KNN (recall, scale);
                           reconcile: mnemo with MNEMO_RECONCILE_PER_SECOND=0 beside a further
                           child with the reconciliation on, paused (SIGSTOP) while the other
                           targets are measured (phase1-2, not with --target);
                           stream: the same searches also as messages of SearchEpisodicStream
                           (one stream per agent channel), to mnemo and to the echo's stream
                           (phase1-2), and as a side of --compare redisearch (recall, scale;
                           grpc-js client); asof: the same searches on mnemo as of
                           the newest memory, plain and with a reward filter, as targets of
                           their own (phase2; MNEMO_ASOF_RETENTION_MS=0); ranked: the same
                           searches to the same mnemo with a ranking at the server's default
                           weights and regime "trending" (phase1-2)
  --reconcile-per-second N MNEMO_RECONCILE_PER_SECOND of the child with the reconciliation on
                           (--compare reconcile, reconcile phase; 10000, the server's default)
  --window S               reconcile phase: shortest measured idle window, seconds (5); it is
                           made long enough for 1.2 passes at the configured rate
  --redisearch-url url     a running Redis with the Query Engine (RediSearch >= 2.6)
  --redisearch-module path start our own redis-server with this module for the comparison
  --ef 10,20,...           ef_runtime values of the recall sweep (10,16,32,64,128,256,512);
                           0 = the server's default (mnemo only)
  --filters names          recall filters, by selectivity (0.1%,1%,5%,10%,50%,100%)
  --inflight N             calls in flight for recall/scale/redisearch QPS (50)
  --connections N          side by side with RediSearch: connections each side spreads its
                           calls in flight over, the same for every side (1: one connection
                           with --inflight calls; 50: an agent per connection)
  --target-recall R        recall the scale phase and the comparison must reach (0.98)
  --duration S             phase3 simulated seconds (3600)
  --speedup X              phase3 time compression (60: an hour in a minute)
  --agents A               phase3 agents (10)
  --subscribers S          fanout subscribers (200)
  --query-interval S       phase3 simulated seconds between an agent's queries (5)
  --reask R                phase3: an agent asks each question R times in a row, as agents
                           re-asking every tick do (1); see MNEMO_RESULT_CACHE_TTL_MS
  --trade-interval S       phase3 mean simulated seconds between an agent's trades (60)
  --load-batch B           memories per UpsertEpisodic while loading (500); import: the
                           CLI's --batch too
  --load-inflight N        batches in flight while loading (4); import: the CLI's --in-flight
  --server-env K=V         extra environment of the mnemo children (repeatable)
  --unfiltered             phase1-2: every search over all memories, not the agent's own 10%
  --cpu-prof dir           the mnemo children run with node --cpu-prof: each writes a V8 CPU
                           profile (.cpuprofile, for Chrome DevTools) into dir when it stops
  --client grpc-js|cheap   the search calls' client: grpc-js (default), or bare node:http2
                           streams with the request framed at once (what h2load does, with
                           distinct requests): the servers, not the load generator, get the
                           cores (plaintext only)
  --no-load                do not load (the target already holds this --seed's data)
  --json path              also write the JSON results there
  --out-dir dir            where results go (bench/results)
  --max-minutes M          hard stop of the whole run (90)
  --quiet                  no progress output on stderr`;

function positiveInt(option: string, raw: string, min = 1): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new Error(`--${option} must be a whole number ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function positiveNumber(option: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${option} must be a positive number, got "${raw}"`);
  }
  return value;
}

function intList(option: string, raw: string, min = 1): number[] {
  const values = raw.split(',').map((s) => positiveInt(option, s.trim(), min));
  if (values.length === 0) throw new Error(`--${option} needs at least one value`);
  return values;
}

const PHASE_DEFAULTS: Record<Phase, { memories: number; queries: number }> = {
  phase1: { memories: 10_000, queries: 1000 },
  phase2: { memories: 10_000, queries: 100 },
  phase3: { memories: 10_000, queries: 0 },
  recall: { memories: 10_000, queries: 500 },
  scale: { memories: 100_000, queries: 500 },
  agents: { memories: 0, queries: 20_000 },
  reconcile: { memories: 10_000, queries: 0 },
  fanout: { memories: 0, queries: 300 },
  import: { memories: 100_000, queries: 0 },
};

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      target: { type: 'string' },
      'naive-target': { type: 'string' },
      'redis-url': { type: 'string' },
      memories: { type: 'string' },
      dim: { type: 'string', default: '256' },
      data: { type: 'string', default: 'clustered' },
      clusters: { type: 'string', default: '100' },
      seed: { type: 'string', default: '42' },
      k: { type: 'string', default: '10' },
      json: { type: 'string' },
      'out-dir': { type: 'string', default: join('bench', 'results') },
      concurrency: { type: 'string', default: '1,5,10,20,50' },
      queries: { type: 'string' },
      warmup: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '2' },
      compare: { type: 'string', multiple: true, default: [] },
      'redisearch-url': { type: 'string' },
      'redisearch-module': { type: 'string' },
      ef: { type: 'string', default: '10,16,32,64,128,256,512' },
      filters: { type: 'string', default: '0.1%,1%,5%,10%,50%,100%' },
      inflight: { type: 'string', default: '50' },
      connections: { type: 'string', default: '1' },
      'target-recall': { type: 'string', default: '0.98' },
      duration: { type: 'string', default: '3600' },
      speedup: { type: 'string', default: '60' },
      agents: { type: 'string', default: '10' },
      'query-interval': { type: 'string', default: '5' },
      reask: { type: 'string', default: '1' },
      'trade-interval': { type: 'string', default: '60' },
      'load-batch': { type: 'string', default: '500' },
      'load-inflight': { type: 'string', default: '4' },
      'server-env': { type: 'string', multiple: true, default: [] },
      'cpu-prof': { type: 'string' },
      unfiltered: { type: 'boolean', default: false },
      'reconcile-per-second': { type: 'string', default: String(DEFAULT_RECONCILE_PER_SECOND) },
      subscribers: { type: 'string', default: '200' },
      window: { type: 'string', default: '5' },
      client: { type: 'string', default: 'grpc-js' },
      'no-load': { type: 'boolean', default: false },
      'max-minutes': { type: 'string', default: '90' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageRequested();
  const phase = positionals[0];
  if (positionals.length !== 1 || !PHASES.includes(phase as Phase)) {
    throw new Error(
      `expected one phase (${PHASES.join(', ')}), got ${JSON.stringify(positionals)}`,
    );
  }
  const p = phase as Phase;
  const data = values.data;
  if (data !== 'clustered' && data !== 'uniform') {
    throw new Error(`--data must be clustered or uniform, got "${data}"`);
  }
  const compare = new Set<Comparison>();
  for (const item of values.compare.flatMap((c) => c.split(','))) {
    const name = item.trim();
    if (!COMPARISONS.includes(name)) {
      throw new Error(`--compare takes ${COMPARISONS.join(', ')}, got "${name}"`);
    }
    compare.add(name as Comparison);
  }
  const serverEnv: Record<string, string> = {};
  for (const pair of values['server-env']) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || !pair.startsWith('MNEMO_')) {
      throw new Error(`--server-env must be MNEMO_NAME=value, got "${pair}"`);
    }
    serverEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const target = values.target === undefined ? null : loopbackAddress('--target', values.target);
  const naiveTarget =
    values['naive-target'] === undefined
      ? null
      : loopbackAddress('--naive-target', values['naive-target']);
  if (compare.has('naive') && target !== null && naiveTarget === null) {
    throw new Error('--compare naive with --target needs --naive-target (a naive-mode server)');
  }
  if (compare.has('secure') && (target !== null || (p !== 'phase1' && p !== 'phase2'))) {
    throw new Error('--compare secure is for phase1 and phase2 without --target');
  }
  if (compare.has('reconcile') && (target !== null || (p !== 'phase1' && p !== 'phase2'))) {
    throw new Error('--compare reconcile is for phase1 and phase2 without --target');
  }
  if (compare.has('asof') && p !== 'phase2') {
    throw new Error('--compare asof is for phase2');
  }
  // The data set is stamped in 2023: as_of there is beyond the default retention.
  if (compare.has('asof')) serverEnv.MNEMO_ASOF_RETENTION_MS ??= '0';
  if (p === 'reconcile' && target !== null) {
    throw new Error('the reconcile phase starts its own mnemo children: not with --target');
  }
  if (
    p === 'import' &&
    (target !== null || values['redis-url'] !== undefined || values['no-load'])
  ) {
    throw new Error(
      'the import phase starts its own Redis and mnemo children: not with --target, --redis-url, --no-load',
    );
  }
  const redisearchUrl =
    values['redisearch-url'] === undefined
      ? null
      : loopbackRedisUrl('--redisearch-url', values['redisearch-url']);
  const redisearchModule = values['redisearch-module'] ?? null;
  if (compare.has('redisearch') && redisearchUrl === null && redisearchModule === null) {
    throw new Error('--compare redisearch needs --redisearch-url or --redisearch-module');
  }
  if (Number(values.connections) > Number(values.inflight)) {
    throw new Error(
      `--connections (${values.connections}) cannot exceed --inflight (${values.inflight}): a connection without a call in flight measures nothing`,
    );
  }
  const client = values.client;
  if (client !== 'grpc-js' && client !== 'cheap') {
    throw new Error(`--client must be grpc-js or cheap, got "${client}"`);
  }
  if (client === 'cheap' && compare.has('secure')) {
    throw new Error('--client cheap speaks plaintext only: not with --compare secure');
  }
  const streams =
    p === 'phase1' ||
    p === 'phase2' ||
    ((p === 'recall' || p === 'scale') && compare.has('redisearch'));
  if (compare.has('stream') && (client === 'cheap' || !streams)) {
    throw new Error(
      '--compare stream is for phase1, phase2 and --compare redisearch, with the grpc-js client',
    );
  }
  const targetRecall = Number(values['target-recall']);
  if (!(targetRecall > 0 && targetRecall <= 1)) {
    throw new Error('--target-recall must be in (0, 1]');
  }
  const outDir = values['out-dir'];
  const defaults = PHASE_DEFAULTS[p];
  return {
    phase: p,
    target,
    naiveTarget,
    redisUrl:
      values['redis-url'] === undefined
        ? null
        : loopbackRedisUrl('--redis-url', values['redis-url']),
    memories:
      values.memories === undefined
        ? defaults.memories
        : positiveInt('memories', values.memories, p === 'agents' ? 0 : 1),
    dim: positiveInt('dim', values.dim, 2),
    data,
    clusters: positiveInt('clusters', values.clusters),
    seed: positiveInt('seed', values.seed, 0),
    k: positiveInt('k', values.k),
    json: values.json,
    outDir: isAbsolute(outDir) ? outDir : join(repoRoot(), outDir),
    concurrency: intList('concurrency', values.concurrency),
    queries:
      values.queries === undefined ? defaults.queries : positiveInt('queries', values.queries),
    warmup: positiveInt('warmup', values.warmup, 0),
    rounds: positiveInt('rounds', values.rounds),
    compare,
    unfiltered: values.unfiltered,
    cpuProfDir: values['cpu-prof'] === undefined ? null : resolve(values['cpu-prof']),
    redisearchUrl,
    redisearchModule,
    efs: intList('ef', values.ef, 0),
    filters: values.filters.split(',').map((s) => s.trim()),
    inflight: positiveInt('inflight', values.inflight),
    connections: positiveInt('connections', values.connections),
    targetRecall,
    duration: positiveNumber('duration', values.duration),
    speedup: positiveNumber('speedup', values.speedup),
    agents: positiveInt('agents', values.agents),
    queryInterval: positiveNumber('query-interval', values['query-interval']),
    reask: positiveInt('reask', values.reask),
    tradeInterval: positiveNumber('trade-interval', values['trade-interval']),
    loadBatch: positiveInt('load-batch', values['load-batch']),
    loadInflight: positiveInt('load-inflight', values['load-inflight']),
    reconcilePerSecond: positiveInt('reconcile-per-second', values['reconcile-per-second']),
    subscribers: positiveInt('subscribers', values.subscribers),
    window: positiveNumber('window', values.window),
    serverEnv,
    serverSettings: serverSettings(serverEnv),
    client,
    noLoad: values['no-load'],
    maxMinutes: positiveNumber('max-minutes', values['max-minutes']),
    quiet: values.quiet,
  };
}

export class UsageRequested extends Error {
  override readonly name = 'UsageRequested';
}
