/**
 * import: the `mnemo import` CLI beside the bench's own loader, on the same data set. The data
 * set is first written to a temporary JSON-lines file (proto3 JSON, formatMemory of the client;
 * not timed). Then A: the loader (UpsertEpisodic batches of --load-batch, --load-inflight in
 * flight) into a fresh mnemo child over an empty Redis; B: `node bin/mnemo.js import episodic
 * FILE` with the same batch and in-flight into a second fresh child over a second empty Redis,
 * timed from spawn to exit (and net of the CLI's startup, `mnemo --help` timed once). Each child
 * must then hold the whole data set (GetInfo). The loader's child is paused (SIGSTOP) while the
 * CLI runs, so that the two never share the machine.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { MnemoClient, formatMemory } from '../../src/client/index.js';
import { childEnv } from '../lib/children.js';
import type { BenchContext } from '../lib/context.js';
import type { Dataset } from '../lib/dataset.js';
import { MnemoChild } from '../lib/mnemoChild.js';
import { status } from '../lib/progress.js';
import { statSeconds } from '../lib/procCpu.js';
import { countersDelta, readCounters } from '../lib/redisCost.js';
import { startRedis } from '../lib/redisServer.js';
import { repoRoot } from '../lib/repoRoot.js';
import type { PhaseOutput, Table } from '../lib/report.js';
import { metricsDelta } from '../lib/serverMetrics.js';
import { ratio, round } from '../lib/stats.js';

/** How long a mnemo child may take to get ready (an empty Redis: quick). */
const READY_TIMEOUT_MS = 5 * 60_000;
/** Memories generated and written per step while writing the file. */
const WRITE_STEP = 1000;

/** One side of the comparison. */
export interface ImportSide {
  target: 'loader' | 'cli';
  memories: number;
  seconds: number;
  /** Memories per second over `seconds`. */
  rate: number;
  /** Episodic memories GetInfo counted afterwards. */
  stored: number;
  /** process_cpu_seconds_total of the mnemo child over the span, ms. */
  mnemoCpuMs: number;
  /** used_cpu_user + used_cpu_sys of its Redis over the span, ms. */
  redisCpuMs: number;
  /**
   * CPU of the client, ms: the bench process (loader), or the CLI process as /proc showed it last
   * (read every 100 ms while it runs: the last ≤ 100 ms are missed; null where there is no /proc).
   */
  clientCpuMs: number | null;
}

/** Writes the data set as JSON lines to `path`; its size in bytes. */
function writeJsonLines(dataset: Dataset, path: string): number {
  const next = dataset.memoryStream();
  const fd = openSync(path, 'w');
  try {
    for (let batch = next(WRITE_STEP); batch.length > 0; batch = next(WRITE_STEP)) {
      const text = batch.map((m) => `${formatMemory('episodic', m)}\n`).join('');
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

interface Exit {
  code: number | null;
  ms: number;
  stderr: string;
  /** The child's user + system CPU, ms, as /proc last showed it (Linux); null elsewhere. */
  cpuMs: number | null;
}

/** How often the CLI's CPU is read from /proc while it runs. */
const CPU_POLL_MS = 100;

/** utime + stime of a process from /proc/<pid>/stat, ms; null when unreadable. */
function procCpuMs(pid: number): number | null {
  const seconds = statSeconds(pid);
  return seconds === null ? null : seconds * 1000;
}

/** Runs `node bin/mnemo.js <args>` in the repository root; its exit code, wall time and stderr. */
async function runCli(args: readonly string[]): Promise<Exit> {
  const started = performance.now();
  const child = spawn(process.execPath, [join('bin', 'mnemo.js'), ...args], {
    cwd: repoRoot(),
    env: childEnv({}),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let cpuMs: number | null = null;
  const poll = setInterval(() => {
    if (child.pid !== undefined) cpuMs = procCpuMs(child.pid) ?? cpuMs;
  }, CPU_POLL_MS);
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    // Keep the end only (the progress lines of a long import).
    if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  }).finally(() => {
    clearInterval(poll);
  });
  return { code, ms: performance.now() - started, stderr, cpuMs };
}

/** GetInfo's count of episodic memories. */
async function storedMemories(address: string): Promise<number> {
  const client = new MnemoClient(address);
  try {
    const info = await client.memory.getInfo({});
    return info.episodic?.memories ?? 0;
  } finally {
    client.close();
  }
}

function cpuMs(before: Record<string, number>, after: Record<string, number>): number {
  return round((metricsDelta(before, after).process_cpu_seconds_total ?? 0) * 1000, 1);
}

function redisClient(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  return redis;
}

export async function importPhase(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  const size = ctx.dataset.size;
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-bench-import-'));
  ctx.cleanup.add('import files', () => {
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  });
  const file = join(dir, 'episodic.jsonl');
  status(`writing ${size} memories to ${file} (not timed)`, o.quiet);
  const writeStarted = performance.now();
  const bytes = writeJsonLines(ctx.dataset, file);
  const writeSeconds = (performance.now() - writeStarted) / 1000;

  // A: the bench's loader.
  const mnemo = await ctx.startMnemo(1);
  const loaderChild = mnemo.child;
  const loaderRedisUrl = ctx.redisUrl;
  if (loaderChild === null || loaderRedisUrl === null) {
    throw new Error('the import phase needs its own mnemo children and their Redis');
  }
  const loaderRedis = redisClient(loaderRedisUrl);
  ctx.cleanup.add('redis client (loader INFO)', () => {
    loaderRedis.disconnect();
    return Promise.resolve();
  });
  const aMetrics = await loaderChild.metrics();
  const aRedis = await readCounters(loaderRedis);
  const aCpu = process.cpuUsage();
  const load = await ctx.load();
  const loaderCpu = process.cpuUsage(aCpu);
  const aMetricsEnd = await loaderChild.metrics();
  const aRedisEnd = await readCounters(loaderRedis);
  if (load === null) throw new Error('the import phase loads the data set: not with --no-load');
  const loader: ImportSide = {
    target: 'loader',
    memories: load.memories,
    seconds: round(load.seconds, 3),
    rate: round(load.rate, 0),
    stored: await storedMemories(mnemo.address),
    mnemoCpuMs: cpuMs(aMetrics, aMetricsEnd),
    redisCpuMs: round(countersDelta(aRedis, aRedisEnd).cpuSeconds * 1000, 1),
    clientCpuMs: round((loaderCpu.user + loaderCpu.system) / 1000, 1),
  };

  // B: the CLI, into a second child over a second, empty Redis; the loader's child paused.
  loaderChild.pause();
  let cli: ImportSide;
  let startupMs: number;
  let command: string;
  try {
    const redis = await startRedis();
    ctx.cleanup.add('redis-server (cli)', () => redis.stop());
    status(`starting mnemo for the CLI (redis ${redis.url})`, o.quiet);
    const { server } = await MnemoChild.start(
      { name: 'cli', redisUrl: redis.url, dim: o.dim, env: o.serverEnv },
      READY_TIMEOUT_MS,
    );
    ctx.cleanup.add('mnemo (cli)', async () => {
      await server.stop();
      server.dispose();
    });
    const cliRedis = redisClient(redis.url);
    ctx.cleanup.add('redis client (cli INFO)', () => {
      cliRedis.disconnect();
      return Promise.resolve();
    });
    status('timing `mnemo --help` (the CLI’s startup)', o.quiet);
    const help = await runCli(['--help']);
    if (help.code !== 0) throw new Error(`mnemo --help exited with ${String(help.code)}`);
    startupMs = help.ms;
    const args = [
      'import',
      'episodic',
      file,
      '--target',
      server.address,
      '--batch',
      String(o.loadBatch),
      '--in-flight',
      String(o.loadInflight),
      '--state',
      join(dir, 'import-state.json'),
    ];
    command = `node bin/mnemo.js ${args.join(' ')}`;
    status(`importing: ${command}`, o.quiet);
    const bMetrics = await server.metrics();
    const bRedis = await readCounters(cliRedis);
    const run = await runCli(args);
    const bMetricsEnd = await server.metrics();
    const bRedisEnd = await readCounters(cliRedis);
    if (run.code !== 0) {
      throw new Error(`mnemo import exited with ${String(run.code)}:\n${run.stderr.slice(-4000)}`);
    }
    const summary = /imported (\d+), skipped (\d+)/.exec(run.stderr);
    const imported = summary === null ? 0 : Number(summary[1]);
    if (summary === null || Number(summary[2]) !== 0 || imported !== size) {
      throw new Error(`mnemo import did not import ${size} memories:\n${run.stderr.slice(-4000)}`);
    }
    const seconds = run.ms / 1000;
    cli = {
      target: 'cli',
      memories: imported,
      seconds: round(seconds, 3),
      rate: round(imported / seconds, 0),
      stored: await storedMemories(server.address),
      mnemoCpuMs: cpuMs(bMetrics, bMetricsEnd),
      redisCpuMs: round(countersDelta(bRedis, bRedisEnd).cpuSeconds * 1000, 1),
      clientCpuMs: run.cpuMs === null ? null : round(run.cpuMs, 1),
    };
  } finally {
    loaderChild.resume();
  }
  for (const side of [loader, cli]) {
    if (side.stored !== size) {
      throw new Error(`${side.target}: GetInfo counts ${side.stored} memories, not ${size}`);
    }
  }
  const netSeconds = Math.max(1e-3, cli.seconds - startupMs / 1000);
  const netRate = round(cli.memories / netSeconds, 0);
  const cliVsLoader = ratio(cli.rate, loader.rate);
  const netVsLoader = ratio(netRate, loader.rate);
  const tables: Table[] = [
    {
      title: `import: ${size} memories (dim ${o.dim}), batch ${o.loadBatch}, ${o.loadInflight} in flight, each into a fresh mnemo over an empty Redis`,
      headers: [
        'target',
        'memories',
        'seconds',
        'memories/s',
        'vs loader',
        'stored',
        'mnemo CPU ms',
        'redis CPU ms',
        'client CPU ms',
      ],
      rows: [
        [
          'loader',
          loader.memories,
          loader.seconds,
          loader.rate,
          1,
          loader.stored,
          loader.mnemoCpuMs,
          loader.redisCpuMs,
          loader.clientCpuMs,
        ],
        [
          'cli',
          cli.memories,
          cli.seconds,
          cli.rate,
          cliVsLoader === null ? null : round(cliVsLoader, 3),
          cli.stored,
          cli.mnemoCpuMs,
          cli.redisCpuMs,
          cli.clientCpuMs,
        ],
        [
          'cli − startup',
          cli.memories,
          round(netSeconds, 3),
          netRate,
          netVsLoader === null ? null : round(netVsLoader, 3),
          null,
          null,
          null,
          null,
        ],
      ],
    },
  ];
  const notes = [
    `data: ${ctx.dataset.description}`,
    `the file: ${bytes} bytes of proto3 JSON lines (formatMemory of src/client), written in ${round(writeSeconds, 1)} s before anything was timed`,
    `loader = the bench's loader (bench/lib/loader.ts): UpsertEpisodic batches of ${o.loadBatch}, ${o.loadInflight} in flight, over one channel from the bench process; its vectors generated before the clock starts${load.generationTimed ? ' (not here: the set is too large, generation was timed)' : ''}`,
    `cli = \`${command}\` (paths of this run's temporary directory), timed from spawn to exit: the CLI's startup, reading, parsing (parseMemory), upserts and state file writes; cli − startup = less ${round(startupMs, 0)} ms, the wall time of one \`node bin/mnemo.js --help\``,
    'each side into its own fresh mnemo child over its own empty redis-server; the loader’s child paused (SIGSTOP) while the CLI runs; stored = GetInfo’s episodic memories afterwards',
    'mnemo CPU = the child’s process_cpu_seconds_total, redis CPU = INFO used_cpu_user + used_cpu_sys, client CPU = the bench process (loader) or the CLI process (utime + stime from /proc/<pid>/stat, read every 100 ms while it runs, so its last ≤ 100 ms are missed; n/a without /proc)',
  ];
  return {
    results: {
      memories: size,
      file: { bytes, writeSeconds: round(writeSeconds, 3) },
      batch: o.loadBatch,
      inflight: o.loadInflight,
      command,
      cliStartupMs: round(startupMs, 1),
      sides: { loader, cli },
      cliNetRate: netRate,
      ratios: {
        cliVsLoader: cliVsLoader === null ? null : round(cliVsLoader, 4),
        cliNetVsLoader: netVsLoader === null ? null : round(netVsLoader, 4),
      },
    },
    tables,
    charts: [],
    notes,
  };
}
