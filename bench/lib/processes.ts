import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { freePort, RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { Channels, RPC } from './rpc.js';

/** Everything started by a run, stopped in reverse order at its end (or on a signal). */
export class Cleanup {
  private readonly tasks: { name: string; run: () => Promise<void> }[] = [];

  add(name: string, run: () => Promise<void>): void {
    this.tasks.push({ name, run });
  }

  async runAll(): Promise<void> {
    while (this.tasks.length > 0) {
      const task = this.tasks.pop();
      if (task === undefined) break;
      try {
        await task.run();
      } catch (error) {
        process.stderr.write(`bench: stopping ${task.name} failed: ${String(error)}\n`);
      }
    }
  }
}

/** Memory figures of a process, from /proc/<pid>/status (Linux), in bytes. */
export interface ProcessMemory {
  rss: number;
  /** Peak RSS. */
  hwm: number;
}

export function processMemory(pid: number | undefined): ProcessMemory | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match === null ? 0 : Number(match[1]) * 1024;
    };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Redis `INFO memory` used_memory (bytes) and the number of keys. */
export async function redisMemory(url: string): Promise<{ usedMemory: number; keys: number }> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('memory');
    const used = /^used_memory:(\d+)/m.exec(info);
    const keys = await client.dbsize();
    return { usedMemory: Number(used?.[1] ?? 0), keys };
  } finally {
    client.disconnect();
  }
}

export interface RedisHandle {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** A redis-server of our own on a free loopback port, no persistence, optional modules. */
export async function startRedis(modules: readonly string[] = []): Promise<RedisHandle> {
  const args = modules.flatMap((path) => ['--loadmodule', path]);
  const redis = await RedisProcess.start({ args });
  return { url: redis.url, pid: redis.pid, stop: () => redis.stop() };
}

/** Environment of a child: ours without MNEMO_* settings (the harness sets those explicitly). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MNEMO_') && name !== 'NODE_OPTIONS') env[name] = value;
  }
  return { ...env, ...extra };
}

/** Spawns `node --import tsx <script>` in the project root. */
function spawnTsx(script: string, env: Record<string, string>, ipc = false): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: projectRoot(),
    env: childEnv(env),
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export interface MnemoOptions {
  /** Label in tables: "mnemo", "naive". */
  name: string;
  redisUrl: string;
  dim: number;
  /** Further MNEMO_* settings, e.g. MNEMO_SEARCH_PIPELINE=naive. */
  env: Record<string, string>;
}

/** How one start of a mnemo child went. */
export interface StartTiming {
  /** Spawn until a SearchEpisodic is answered (with hits, when data was loaded). */
  readyMs: number;
  /** Where the index came from, as logged: a snapshot or a rebuild from Redis. */
  source: 'snapshot' | 'rebuild' | null;
  /** Snapshot load or rebuild time, as logged by the server. */
  indexMs: number | null;
}

/** A calibration of the default ef, as the server logged it. */
export interface EfCalibrationLog {
  kind: string;
  ef: number;
  recall: number;
  /** Factor on the filtered default ef (1 when none was measured). */
  filteredScale: number;
  size: number;
  ms: number;
}

interface LogEntry {
  msg?: unknown;
  ms?: unknown;
  kind?: unknown;
  ef?: unknown;
  recall?: unknown;
  filteredScale?: unknown;
  size?: unknown;
}

/** The fields of a JSON log line we read, when it is one. */
function logEntry(line: string): LogEntry | null {
  try {
    return JSON.parse(line) as LogEntry;
  } catch {
    return null;
  }
}

/**
 * A mnemo server as a child process (`node --import tsx src/main.ts`), so that client and server
 * have separate event loops as in production. Each child has a private MNEMO_DATA_DIR (index
 * snapshots) unless --server-env sets one, so runs and tests never share snapshots. It is ready
 * when it answers a search, with at least `minHits` hits.
 */
export class MnemoChild {
  private child: ChildProcess | null = null;
  private logTail: string[] = [];
  private source: StartTiming['source'] = null;
  private indexMs: number | null = null;
  private dataDir: string | null = null;
  /** Time the server took to write its index snapshot at its last shutdown, as logged. */
  snapshotWriteMs: number | null = null;
  /** The server's calibrations of its default ef, as logged, oldest first. */
  readonly calibrations: EfCalibrationLog[] = [];

  private constructor(
    readonly options: MnemoOptions,
    readonly port: number,
    readonly metricsPort: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * The server's own counters and histogram sums (`mnemo_*`: batching, dedup, Redis reads; and
   * the search latency histogram's sum and count), from its /metrics endpoint; {} when it has
   * none or does not answer.
   */
  async metrics(): Promise<Record<string, number>> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`, {
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) return {};
      return parseMetrics(await response.text());
    } catch {
      return {};
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get settings(): Record<string, string> {
    return this.env();
  }

  static async start(
    options: MnemoOptions,
    readyTimeoutMs: number,
    minHits = 0,
  ): Promise<{ server: MnemoChild; timing: StartTiming }> {
    const server = new MnemoChild(options, await freePort(), await freePort());
    const timing = await server.launch(readyTimeoutMs, minHits);
    return { server, timing };
  }

  /**
   * Stops the child (it writes its index snapshot) and starts it again on the same port and
   * Redis: a restart. With `freshDataDir` the snapshot is out of reach, so the index is rebuilt
   * from Redis.
   */
  async restart(
    readyTimeoutMs: number,
    minHits: number,
    freshDataDir: boolean,
  ): Promise<StartTiming> {
    await this.stop();
    if (freshDataDir) this.dispose();
    return this.launch(readyTimeoutMs, minHits);
  }

  memory(): ProcessMemory | null {
    return processMemory(this.pid);
  }

  async stop(): Promise<void> {
    if (this.child !== null) await stopChild(this.child);
    this.child = null;
  }

  /** Removes the private data directory (snapshots). */
  dispose(): void {
    if (this.dataDir !== null) rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = null;
  }

  private env(): Record<string, string> {
    const env: Record<string, string> = {
      MNEMO_GRPC_ADDRESS: this.address,
      MNEMO_METRICS_ADDRESS: `127.0.0.1:${this.metricsPort}`,
      MNEMO_REDIS_URL: this.options.redisUrl,
      MNEMO_VECTOR_DIM: String(this.options.dim),
      MNEMO_LOG_LEVEL: 'info',
    };
    if (this.dataDir !== null) env.MNEMO_DATA_DIR = this.dataDir;
    return { ...env, ...this.options.env };
  }

  private async launch(readyTimeoutMs: number, minHits: number): Promise<StartTiming> {
    this.logTail = [];
    this.source = null;
    this.indexMs = null;
    if (this.dataDir === null && this.options.env.MNEMO_DATA_DIR === undefined) {
      this.dataDir = mkdtempSync(join(tmpdir(), `mnemo-bench-${this.options.name}-`));
    }
    const started = performance.now();
    const child = spawnTsx('src/main.ts', this.env());
    this.child = child;
    let pending = '';
    const onOutput = (chunk: Buffer): void => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.onLine(line);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    await this.waitReady(child, readyTimeoutMs, minHits);
    return { readyMs: performance.now() - started, source: this.source, indexMs: this.indexMs };
  }

  private onLine(line: string): void {
    this.logTail.push(line);
    if (this.logTail.length > 30) this.logTail.shift();
    const entry = logEntry(line);
    if (entry === null || typeof entry.msg !== 'string') return;
    const ms = typeof entry.ms === 'number' ? entry.ms : null;
    if (entry.msg.startsWith('indexes rebuilt from Redis')) {
      this.source = 'rebuild';
      this.indexMs = ms;
    } else if (entry.msg.startsWith('index loaded from snapshot')) {
      this.source = 'snapshot';
      this.indexMs = ms;
    } else if (entry.msg.startsWith('index snapshot written')) {
      this.snapshotWriteMs = ms;
    } else if (entry.msg.startsWith('default ef calibrated')) {
      this.calibrations.push({
        kind: String(entry.kind),
        ef: Number(entry.ef),
        recall: Number(entry.recall),
        filteredScale: typeof entry.filteredScale === 'number' ? entry.filteredScale : 1,
        size: Number(entry.size),
        ms: ms ?? 0,
      });
    }
  }

  private async waitReady(child: ChildProcess, timeoutMs: number, minHits: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const channels = new Channels(this.address, 1, 5000);
    const probe = {
      vector: { values: Array.from({ length: this.options.dim }, (_, i) => (i % 7) + 1) },
      k: Math.max(1, minHits),
    };
    let last: string;
    try {
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${this.options.name} server exited (${String(child.exitCode ?? child.signalCode)}):\n${this.logTail.join('\n')}`,
          );
        }
        try {
          const answer = await channels.call(RPC.search, probe, 0, 5000);
          if (answer.hits.length >= minHits) return;
          last = `answered ${answer.hits.length} hits, expected ≥ ${minHits}`;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        if (Date.now() > deadline) {
          throw new Error(
            `${this.options.name} server was not ready within ${timeoutMs} ms (${last}):\n${this.logTail.join('\n')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      channels.close();
    }
  }
}

/**
 * The transport floor: a bare grpc-js server (bench/lib/echoServer.ts) in a child process that
 * answers SearchEpisodic with a fixed response of the size mnemo answers, through the same
 * protobuf definitions.
 */
export class EchoChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(response: Buffer, timeoutMs = 30_000): Promise<EchoChild> {
    const child = spawnTsx(join('bench', 'lib', 'echoServer.ts'), {}, true);
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (output.length < 10_000) output += chunk.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`echo server did not start: ${output}`));
      }, timeoutMs);
      child.once('message', (message: { port?: unknown }) => {
        clearTimeout(timer);
        if (typeof message.port === 'number') resolve(message.port);
        else reject(new Error('echo server sent no port'));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`echo server exited with ${String(code)}: ${output}`));
      });
      child.send({ response: response.toString('base64') });
    });
    return new EchoChild(child, port);
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 5000);
  }
}

/** Metric families the harness keeps: mnemo's own, and the server-side search latency. */
const KEPT_METRICS = [
  'mnemo_',
  'redis_memory_query_seconds_sum',
  'redis_memory_query_seconds_count',
];

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
