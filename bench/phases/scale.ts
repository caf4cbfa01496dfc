/**
 * scale: the recall study at 100k–1M memories, plus load rate, memory per memory, the restart
 * times (on the index snapshot, and rebuilt from Redis), and QPS/p99 at the target recall.
 */
import type { BenchContext } from '../lib/context.js';
import type { LoadResult } from '../lib/loader.js';
import { processMemory, redisMemory, type ProcessMemory } from '../lib/memoryFigures.js';
import { status } from '../lib/progress.js';
import type { StartTiming } from '../lib/readiness.js';
import type { Cell, PhaseOutput, Table } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { operatingPoint, plannerPath } from '../lib/sweep.js';
import { recallChart, study, studyNotes, sweepHeaders, sweepTable, exactLimit } from './recall.js';
import { redisearchTables } from './redisearch.js';

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
          ? [
              ...head,
              `not reached (ef ≤ ${Math.max(...o.efs)})`,
              null,
              null,
              null,
              null,
              null,
              null,
            ]
          : [
              ...head,
              String(x.point.ef),
              x.point.recall,
              x.point.qps,
              x.point.distancesPerQuery,
              x.point.latencyMs.p50,
              x.point.latencyMs.p99,
              x.point.cpuUsPerQuery,
            ];
      }),
    },
    sweepTable(ctx, s),
  ];
  if (s.redisearch !== null)
    tables.push(...redisearchTables(s.redisearch, o.targetRecall, o.inflight, o.connections));
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
