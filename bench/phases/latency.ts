/**
 * phase1 (one agent, sequential searches) and phase2 (concurrent agents): mnemo beside the echo
 * floor (and the naive mode, the secure server, the reconciling server with --compare naive,
 * secure, reconcile), measured interleaved in one run.
 */
import type { EpisodicFilter } from '../../src/generated/mnemo/v1/EpisodicFilter.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import {
  agentFilter,
  encodeQueries,
  resetAnswers,
  searchTarget,
  warmUp,
  type BenchContext,
  type SearchTarget,
  type Server,
} from '../lib/context.js';
import { timestampOf } from '../lib/dataset.js';
import { interleaved } from '../lib/driver.js';
import {
  answerNotes,
  errorNotes,
  figures,
  LATENCY_HEADERS,
  latencyCells,
  ratioCells,
  ratioHeaders,
  ratios,
  type Ratios,
  type TargetFigures,
} from '../lib/figures.js';
import type { LoadResult } from '../lib/loader.js';
import type { BenchOptions } from '../lib/options.js';
import type { PhaseOutput, Table } from '../lib/report.js';
import { SEARCH } from '../lib/rpc.js';
import { serverStats, snapshot, statsTable, type ServerStats } from '../lib/serverStats.js';
import { lineChart, PALETTE, type Series } from '../lib/svg.js';

/** Distinct query vectors per run (calls beyond this reuse them, far apart in time). */
const QUERY_POOL = 2000;

interface Setup {
  servers: Server[];
  queries: Buffer[];
  load: LoadResult | null;
  payload: { requestBytes: number; responseBytes: number; hitsPerResponse: number };
}

/**
 * mnemo with the data loaded, the echo floor sized by a real answer, and the naive mode and the
 * secure server when compared; `channels` client connections to each.
 */
async function setUp(
  ctx: BenchContext,
  channels: number,
  request: (worker: number, i: number) => Omit<SearchEpisodicRequest, 'vector'>,
): Promise<Setup> {
  const mnemo = await ctx.startMnemo(channels);
  const load = await ctx.load();
  const queries = encodeQueries(ctx.dataset.queries(QUERY_POOL));
  const sample: SearchEpisodicRequest = { vector: { f32le: queries[0] }, ...request(0, 0) };
  const response = await ctx.captureResponse(sample);
  const hits = SEARCH.responseDeserialize(response).hits.length;
  const servers = [mnemo, await ctx.startEcho(response, channels)];
  if (ctx.options.compare.has('naive')) servers.push(await ctx.startNaive(channels));
  if (ctx.options.compare.has('secure')) servers.push(await ctx.startSecure(channels));
  if (ctx.options.compare.has('reconcile')) servers.push(await ctx.startReconcile(channels));
  // The same mnemo, searched with a ranking (see searchRequest).
  if (ctx.options.compare.has('ranked')) {
    servers.push({ ...mnemo, name: 'ranked', child: null, selfStarted: false });
  }
  await Promise.all(servers.map((s) => s.channels.connect()));
  return {
    servers,
    queries,
    load,
    payload: {
      requestBytes: SEARCH.requestSerialize(sample).length,
      responseBytes: response.length,
      hitsPerResponse: hits,
    },
  };
}

/** A target's request: the `ranked` target's asks for a ranking (the server's default weights). */
function searchRequest(
  server: Server,
  request: (worker: number, i: number) => Omit<SearchEpisodicRequest, 'vector'>,
): (worker: number, i: number) => Omit<SearchEpisodicRequest, 'vector'> {
  if (server.name !== 'ranked') return request;
  return (worker, i) => ({ ...request(worker, i), ranking: { regime: 'trending' } });
}

async function commonNotes(ctx: BenchContext, setup: Setup): Promise<string[]> {
  const notes = [
    `data: ${ctx.dataset.description}`,
    `payload: request ${setup.payload.requestBytes} B, response ${setup.payload.responseBytes} B (${setup.payload.hitsPerResponse} hits); echo = bare grpc-js server in a child process answering that response`,
    `measured interleaved in ${ctx.options.rounds} rounds (targets run A B C, then C B A, …) on a shared machine: compare ratios, not absolute figures across runs; a calls/s ratio is followed by its lowest and highest single round, the drift the machine added`,
    "distances/query (mnemo's own metrics): vector distances the index computed per index search, mnemo_index_distance_computations_total / mnemo_search_plans_total (empty plans aside); per search, not per call",
  ];
  if (ctx.options.compare.has('naive')) {
    notes.push(
      'naive = second mnemo child with MNEMO_SEARCH_PIPELINE=naive on the same Redis; a server without that mode ignores the variable and the ratio is ≈ 1',
    );
  }
  if (ctx.options.compare.has('secure')) {
    notes.push(
      'secure = further mnemo child on the same Redis serving TLS (MNEMO_TLS_CERT/KEY, ECDSA P-256) with bearer tokens required (MNEMO_AUTH_TOKENS_FILE); called over TLS with one agent token for every agent (call credentials), so every call is authenticated and confined to its agents',
    );
  }
  if (ctx.options.compare.has('stream')) {
    notes.push(
      'mnemo stream / echo stream = the same searches as messages of MemoryService.SearchEpisodicStream, one bidirectional stream per agent channel, each message tagged with its request_id; the echo answers each message of its stream with the same response',
    );
  }
  if (ctx.options.compare.has('reconcile')) {
    notes.push(
      `reconcile = further mnemo child on the same Redis and data with the reconciliation on (MNEMO_RECONCILE_PER_SECOND=${ctx.options.reconcilePerSecond}: every memory its index holds checked against the master, one Lua call of EXISTS per 1,000, pass after pass); mnemo runs with MNEMO_RECONCILE_PER_SECOND=0. The reconcile child is paused (SIGSTOP) while the other targets' rounds run and resumed (SIGCONT) for its own, so its reconciliation loads the machine and Redis only in its own rounds: its ratios to mnemo are what the reconciliation costs the searches. Its reconciliation's own cost: the reconcile phase`,
    );
  }
  if (ctx.options.compare.has('ranked')) {
    notes.push(
      "ranked = the same mnemo child, each search with ranking { regime: 'trending' } (the server's default weights: similarity 1, outcome 0.5, recency 0.25 with a 1-day half-life, regime 0.25); mnemo's own metrics cover both targets' rounds",
    );
  }
  const calibration = await ctx.calibrationNote();
  if (calibration !== null) notes.push(calibration);
  return notes;
}

export async function phase1(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  const request = (): Omit<SearchEpisodicRequest, 'vector'> => ({ k: o.k, filter: filterOf(o, 0) });
  const setup = await setUp(ctx, 1, request);
  const targets = searchTargets(ctx, setup, 1, request);
  await warmUp(targets, 1, ctx.warmupCalls());
  await ctx.calibrated();
  resetAnswers(targets);
  const before = await snapshot(setup.servers);
  const runs = await interleaved(targets, 1, o.queries, o.rounds);
  const all = targets.map((t) => figures(t.name, runs.get(t.name) ?? emptyRun(), t.answers));
  const stats = serverStats(before, await snapshot(setup.servers), all);
  const r = ratios(all);
  const compared = {
    naive: o.compare.has('naive'),
    secure: o.compare.has('secure'),
    reconcile: o.compare.has('reconcile'),
    stream: o.compare.has('stream'),
    ranked: o.compare.has('ranked'),
  };
  const tables: Table[] = [
    {
      title: `phase1: one agent, ${o.queries} sequential SearchEpisodic (k ${o.k}, ${scopeOf(o, ctx.dataset.size)})`,
      headers: ['target', ...LATENCY_HEADERS],
      rows: all.map((f) => [f.target, ...latencyCells(f)]),
    },
    { title: 'ratios', headers: ratioHeaders(compared), rows: [ratioCells(r, compared)] },
  ];
  if (stats.length > 0)
    tables.push(statsTable("mnemo's own metrics over the measurement", [{ level: 1, stats }]));
  return {
    results: {
      load: setup.load,
      payload: setup.payload,
      filter: o.unfiltered ? { share: 1 } : { agent_ids: ['agent-0'], share: 0.1 },
      targets: all,
      ratios: r,
      serverStats: stats,
    },
    tables,
    charts: [],
    notes: [...(await commonNotes(ctx, setup)), ...errorNotes(all), ...answerNotes(all, o.k)],
  };
}

export async function phase2(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  const levels = [...o.concurrency].sort((a, b) => a - b);
  const maxLevel = levels[levels.length - 1] ?? 1;
  // Agent w searches its own memories (agent ids cycle over the 10 agents).
  const request = (worker: number): Omit<SearchEpisodicRequest, 'vector'> => ({
    k: o.k,
    filter: filterOf(o, worker),
  });
  const setup = await setUp(ctx, maxLevel, request);
  // --compare asof: the same searches on mnemo as of the newest memory (every memory visible, the
  // same answers: what as_of itself costs), plain and with a reward filter (targets of their own,
  // measured interleaved with the others).
  const asOf = asOfRequests(ctx, request);
  const targetsFor = (workers: number) => [
    ...searchTargets(ctx, setup, workers, request),
    ...asOf.map(([name, req]) => ({
      ...searchTarget(setup.servers[0] as Server, setup.queries, workers, req),
      name,
    })),
  ];
  await warmUp(targetsFor(maxLevel), maxLevel, Math.max(ctx.warmupCalls(), maxLevel));
  await ctx.calibrated();
  const perLevel: {
    concurrency: number;
    targets: TargetFigures[];
    ratios: Ratios;
    serverStats: ServerStats[];
  }[] = [];
  for (const level of levels) {
    const targets = targetsFor(level);
    const before = await snapshot(setup.servers);
    const runs = await interleaved(targets, level, o.queries, o.rounds);
    const all = targets.map((t) => figures(t.name, runs.get(t.name) ?? emptyRun(), t.answers));
    const stats = serverStats(before, await snapshot(setup.servers), all);
    perLevel.push({ concurrency: level, targets: all, ratios: ratios(all), serverStats: stats });
  }
  const compared = {
    naive: o.compare.has('naive'),
    secure: o.compare.has('secure'),
    reconcile: o.compare.has('reconcile'),
    stream: o.compare.has('stream'),
    asOf: o.compare.has('asof'),
    ranked: o.compare.has('ranked'),
  };
  const tables: Table[] = [
    {
      title: `phase2: concurrent agents, ${o.queries} SearchEpisodic per agent and level (k ${o.k}, ${scopeOf(o, ctx.dataset.size)})`,
      headers: ['agents', 'target', ...LATENCY_HEADERS],
      rows: perLevel.flatMap((l) =>
        l.targets.map((f) => [l.concurrency, f.target, ...latencyCells(f)]),
      ),
    },
    {
      title: 'ratios per level',
      headers: ['agents', ...ratioHeaders(compared)],
      rows: perLevel.map((l) => [l.concurrency, ...ratioCells(l.ratios, compared)]),
    },
  ];
  if (perLevel.some((l) => l.serverStats.length > 0)) {
    tables.push(
      statsTable(
        "mnemo's own metrics per level",
        perLevel.map((l) => ({ level: l.concurrency, stats: l.serverStats })),
      ),
    );
  }
  const series: Series[] = [];
  setup.servers.forEach((server, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#000000';
    for (const [p, dash] of [
      ['p50', undefined],
      ['p95', '8 4'],
      ['p99', '2 3'],
    ] as const) {
      series.push({
        name: `${server.name} ${p}`,
        color,
        ...(dash === undefined ? {} : { dash }),
        points: perLevel.map((l) => {
          const f = l.targets.find((t) => t.target === server.name);
          return [l.concurrency, f?.latencyMs[p] ?? 0] as const;
        }),
      });
    }
  });
  const svg = lineChart({
    title: 'SearchEpisodic latency percentiles vs concurrent agents',
    subtitle: [
      ctx.dataset.description,
      `k ${o.k}, ${o.queries} calls per agent per level; echo = gRPC transport floor`,
    ],
    xLabel: 'concurrent agents',
    yLabel: 'latency (ms)',
    xLog: true,
    yLog: true,
    series,
  });
  return {
    results: {
      load: setup.load,
      payload: setup.payload,
      filter: o.unfiltered ? { share: 1 } : { agent_ids: 'own', share: 0.1 },
      levels: perLevel,
    },
    tables,
    charts: [{ name: 'latency', svg }],
    notes: [
      ...(await commonNotes(ctx, setup)),
      ...errorNotes(perLevel.flatMap((l) => l.targets)),
      ...answerNotes(
        perLevel.flatMap((l) => l.targets),
        o.k,
      ),
    ],
  };
}

/**
 * The search targets of a run: every server's unary calls, and with `--compare stream` mnemo's
 * and the echo's search streams too (targets `mnemo stream`, `echo stream`).
 */
function searchTargets(
  ctx: BenchContext,
  setup: Setup,
  workers: number,
  request: (worker: number, i: number) => Omit<SearchEpisodicRequest, 'vector'>,
): SearchTarget[] {
  const targets = setup.servers.map((s) =>
    searchTarget(s, setup.queries, workers, searchRequest(s, request)),
  );
  if (ctx.options.compare.has('stream')) {
    for (const server of setup.servers) {
      if (server.name === 'mnemo' || server.name === 'echo') {
        targets.push(searchTarget(server, setup.queries, workers, request, true));
      }
    }
  }
  return targets;
}

/** The as_of targets of --compare asof: name and request (none without it). */
function asOfRequests(
  ctx: BenchContext,
  request: (worker: number) => Omit<SearchEpisodicRequest, 'vector'>,
): [string, (worker: number) => Omit<SearchEpisodicRequest, 'vector'>][] {
  if (!ctx.options.compare.has('asof')) return [];
  const asOf = timestampOf(Math.max(0, ctx.dataset.size - 1));
  return [
    ['as_of', (worker) => ({ ...request(worker), as_of: asOf })],
    [
      'as_of reward',
      (worker) => {
        const base = request(worker);
        return { ...base, as_of: asOf, filter: { ...base.filter, reward: { min: 0 } } };
      },
    ],
  ];
}

/** Agent w's search filter: its own 10%, or none with --unfiltered. */
function filterOf(o: BenchOptions, worker: number): EpisodicFilter {
  return o.unfiltered ? {} : agentFilter(worker);
}

function scopeOf(o: BenchOptions, size: number): string {
  return o.unfiltered ? `unfiltered: all ${size}` : `each agent filtered on its own 10% of ${size}`;
}

function emptyRun() {
  return { latencies: [], seconds: 0, calls: 0, errors: 0, firstError: null };
}
