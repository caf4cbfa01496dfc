/**
 * phase3: a production-like day in fast forward. `--agents` agents each search their own
 * memories every `--query-interval` simulated seconds and store a memory on each trade (trades
 * are a Poisson process, mean `--trade-interval` s), for `--duration` simulated seconds played
 * `--speedup` times faster than real time. Open loop: calls are sent on schedule whether or not
 * earlier ones have answered, so a slow server shows up as latency, not as fewer calls.
 */
import { performance } from 'node:perf_hooks';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import {
  agentFilter,
  encodeQueries,
  searchTarget,
  warmUp,
  type BenchContext,
  type Server,
} from '../lib/context.js';
import { agentId, attributesOf, payloadOf } from '../lib/dataset.js';
import {
  answerNotes,
  errorNotes,
  figures,
  LATENCY_HEADERS,
  latencyCells,
  type TargetFigures,
} from '../lib/figures.js';
import { status } from '../lib/progress.js';
import type { PhaseOutput, Table } from '../lib/report.js';
import { round, summarize } from '../lib/stats.js';
import { f32le, rng } from '../lib/syntheticData.js';

interface SimEvent {
  /** Simulated seconds from the start. */
  at: number;
  agent: number;
  kind: 'search' | 'trade';
}

/** The schedule of one run: every agent's searches and trades, by simulated time. */
export function schedule(
  agents: number,
  duration: number,
  queryInterval: number,
  tradeInterval: number,
  seed: number,
): SimEvent[] {
  const random = rng(seed);
  const events: SimEvent[] = [];
  for (let agent = 0; agent < agents; agent++) {
    for (let at = random() * queryInterval; at < duration; at += queryInterval) {
      events.push({ at, agent, kind: 'search' });
    }
    for (
      let at = -Math.log(1 - random()) * tradeInterval;
      at < duration;
      at += -Math.log(1 - random()) * tradeInterval
    ) {
      events.push({ at, agent, kind: 'trade' });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

interface SimResult {
  target: string;
  searches: TargetFigures;
  writes: TargetFigures;
  realSeconds: number;
  offeredQps: number;
  achievedQps: number;
  /** How late the harness sent calls against the schedule (client-side health), ms. */
  sendLagMs: { p99: number; max: number };
  /** Search latency from the scheduled send time (includes the harness's own lateness), ms. */
  searchFromScheduleMs: { p50: number; p99: number };
}

/** The raw record of one target over one or more segments of the schedule. */
class Played {
  readonly searchLatencies: number[] = [];
  readonly writeLatencies: number[] = [];
  readonly fromSchedule: number[] = [];
  readonly lags: number[] = [];
  searches = 0;
  writes = 0;
  searchErrors = 0;
  writeErrors = 0;
  firstError: string | null = null;
  realSeconds = 0;
  trades = 0;
  /** Hits of the search answers (see Answers). */
  readonly answers = { answers: 0, hits: 0, empty: 0 };
  readonly perAgentSearches: number[];

  constructor(agents: number) {
    this.perAgentSearches = new Array<number>(agents).fill(0);
  }
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Plays the events of [from, to) simulated seconds on one server, in real time compressed by
 * `--speedup`, open loop; records into `played`.
 */
async function play(
  ctx: BenchContext,
  server: Server,
  queries: readonly Buffer[],
  events: readonly SimEvent[],
  from: number,
  played: Played,
  vectors: () => Float32Array,
  random: () => number,
): Promise<void> {
  const o = ctx.options;
  const search = searchTarget(server, queries, o.agents, (agent) => ({
    k: o.k,
    filter: agentFilter(agent),
  }));
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let lastDone = started;

  const fire = (event: SimEvent, due: number): void => {
    const sent = performance.now();
    let call: Promise<unknown>;
    if (event.kind === 'search') {
      const i = played.perAgentSearches[event.agent] ?? 0;
      played.perAgentSearches[event.agent] = i + 1;
      played.searches++;
      call = search.call(event.agent, Math.floor(i / o.reask));
    } else {
      const n = played.trades++;
      played.writes++;
      const a = attributesOf(n, o.seed);
      const memory: EpisodicMemory = {
        id: `live-${server.name}-${n}`,
        ...a,
        agent_id: agentId(event.agent),
        reward: round(random() * 2 - 1, 4),
        timestamp: 1_800_000_000 + event.at,
        state_vector: { f32le: f32le(vectors()) },
        payload: payloadOf(n, a),
      };
      call = server.channels.client(event.agent).memory.upsertEpisodic({ memories: [memory] });
    }
    const done = call.then(
      () => {
        const now = performance.now();
        lastDone = Math.max(lastDone, now);
        if (event.kind === 'search') {
          played.searchLatencies.push(now - sent);
          played.fromSchedule.push(now - due);
        } else {
          played.writeLatencies.push(now - sent);
        }
      },
      (error: unknown) => {
        lastDone = Math.max(lastDone, performance.now());
        if (event.kind === 'search') played.searchErrors++;
        else played.writeErrors++;
        played.firstError ??= error instanceof Error ? error.message : String(error);
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  for (const event of events) {
    const due = started + ((event.at - from) / o.speedup) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    played.lags.push(Math.max(0, performance.now() - due));
    fire(event, due);
  }
  await Promise.all([...inFlight]);
  played.realSeconds += (lastDone - started) / 1000;
  played.answers.answers += search.answers.answers;
  played.answers.hits += search.answers.hits;
  played.answers.empty += search.answers.empty;
}

function result(ctx: BenchContext, target: string, p: Played): SimResult {
  const o = ctx.options;
  const lag = summarize(p.lags);
  const fromSchedule = summarize(p.fromSchedule);
  return {
    target,
    searches: figures(
      target,
      {
        latencies: p.searchLatencies,
        seconds: p.realSeconds,
        calls: p.searches,
        errors: p.searchErrors,
        firstError: p.firstError,
      },
      p.answers,
    ),
    writes: figures(`${target} writes`, {
      latencies: p.writeLatencies,
      seconds: p.realSeconds,
      calls: p.writes,
      errors: p.writeErrors,
      firstError: p.firstError,
    }),
    realSeconds: round(p.realSeconds, 2),
    offeredQps: round((o.agents / o.queryInterval) * o.speedup, 1),
    achievedQps: round(p.realSeconds > 0 ? p.searchLatencies.length / p.realSeconds : 0, 1),
    sendLagMs: { p99: round(lag.p99, 2), max: round(lag.max, 2) },
    searchFromScheduleMs: { p50: round(fromSchedule.p50, 3), p99: round(fromSchedule.p99, 3) },
  };
}

export async function phase3(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  const mnemo = await ctx.startMnemo(o.agents);
  const load = await ctx.load();
  const servers = [mnemo];
  if (o.compare.has('naive')) servers.push(await ctx.startNaive(o.agents));
  const queries = encodeQueries(ctx.dataset.queries(2000));
  await warmUp(
    servers.map((s) =>
      searchTarget(s, queries, o.agents, (agent) => ({ k: o.k, filter: agentFilter(agent) })),
    ),
    o.agents,
    ctx.warmupCalls(),
  );
  // One schedule for every target; the simulated time is cut in --rounds segments, each played
  // on every target in turn, the order alternating (A B, B A, …).
  const events = schedule(o.agents, o.duration, o.queryInterval, o.tradeInterval, o.seed);
  const played = new Map(servers.map((s) => [s.name, new Played(o.agents)]));
  const streams = new Map(
    servers.map((s, i) => [
      s.name,
      { vectors: ctx.dataset.source.stream(o.seed + 1000 + i), random: rng(o.seed + 2000 + i) },
    ]),
  );
  const rounds = servers.length > 1 ? Math.max(1, o.rounds) : 1;
  status(
    `simulating ${o.duration} s of ${o.agents} agents at ${o.speedup}× on ${servers.map((s) => s.name).join(', ')} in ${rounds} round(s) (${round((servers.length * o.duration) / o.speedup, 1)} s real)`,
    o.quiet,
  );
  for (let r = 0; r < rounds; r++) {
    const from = (r * o.duration) / rounds;
    const to = ((r + 1) * o.duration) / rounds;
    const segment = events.filter((e) => e.at >= from && e.at < to);
    for (const server of r % 2 === 0 ? servers : [...servers].reverse()) {
      const p = played.get(server.name);
      const stream = streams.get(server.name);
      if (p === undefined || stream === undefined) continue;
      await play(ctx, server, queries, segment, from, p, stream.vectors, stream.random);
    }
  }
  const results = servers.map((s) => result(ctx, s.name, played.get(s.name) ?? new Played(0)));
  const tables: Table[] = [
    {
      title: `phase3: ${o.agents} agents, a search every ${o.queryInterval} s and a write per trade (mean every ${o.tradeInterval} s), ${o.duration} simulated s at ${o.speedup}×`,
      headers: [
        'target',
        'searches',
        'writes',
        'real s',
        'offered QPS',
        'achieved QPS',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'write p50 ms',
        'write p99 ms',
        'errors',
        'send lag max ms',
        'p99 from schedule ms',
      ],
      rows: results.map((r) => [
        r.target,
        r.searches.calls,
        r.writes.calls,
        r.realSeconds,
        r.offeredQps,
        r.achievedQps,
        r.searches.latencyMs.p50,
        r.searches.latencyMs.p95,
        r.searches.latencyMs.p99,
        r.searches.latencyMs.max,
        r.writes.latencyMs.p50,
        r.writes.latencyMs.p99,
        r.searches.errors + r.writes.errors,
        r.sendLagMs.max,
        r.searchFromScheduleMs.p99,
      ]),
    },
    {
      title: 'search latency (open loop, from send to answer)',
      headers: ['target', ...LATENCY_HEADERS],
      rows: results.map((r) => [r.target, ...latencyCells(r.searches)]),
    },
  ];
  const notes = [
    `data: ${ctx.dataset.description}`,
    'writes add new memories during the run (UpsertEpisodic of one memory, answered once indexed)',
    ...(o.reask > 1 ? [`every agent asks each question ${o.reask} times in a row (--reask)`] : []),
    'send lag = how late the harness sent calls against the schedule; large values mean the client, not the server, was saturated',
  ];
  if (results.length > 1) {
    notes.push(
      `the same schedule on every target, the simulated time cut in ${Math.max(1, o.rounds)} segments played on each target in turn (alternating order); each sees the others' writes`,
    );
  }
  return {
    results: { load, simulations: results },
    tables,
    charts: [],
    notes: [
      ...notes,
      ...errorNotes(results.flatMap((r) => [r.searches, r.writes])),
      ...answerNotes(
        results.map((r) => r.searches),
        o.k,
      ),
    ],
  };
}
