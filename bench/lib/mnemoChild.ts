import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnTsx, stopChild } from './children.js';
import { processMemory, type ProcessMemory } from './memoryFigures.js';
import { freePort } from './redisServer.js';
import { Channels, RPC } from './rpc.js';
import { scrapeMetrics } from './serverMetrics.js';

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
    return (await scrapeMetrics(`127.0.0.1:${this.metricsPort}`)) ?? {};
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
