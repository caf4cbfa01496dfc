import type { ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exited, spawnTsx, stopChild } from './children.js';
import { waitReady, type StartTiming } from './readiness.js';
import { freePort } from './redisServer.js';
import type { ClientSecurity } from './rpc.js';
import { scrapeMetrics } from './serverMetrics.js';

/** The server's entry point, relative to the repository root (run through tsx). */
const SERVER_ENTRY = join('src', 'main.ts');

export interface MnemoOptions {
  /** Label in tables: "mnemo", "naive". */
  name: string;
  redisUrl: string;
  dim: number;
  /** Further MNEMO_* settings, e.g. MNEMO_SEARCH_PIPELINE=naive; they override the harness's. */
  env: Record<string, string>;
  /**
   * The client side of the TLS and tokens `env` configures: how the harness (readiness and
   * measurement alike) reaches the child's gRPC; plaintext when absent.
   */
  security?: ClientSecurity;
  /** A directory for a V8 CPU profile of the child, written when it stops (node --cpu-prof). */
  cpuProfDir?: string | null;
}

/**
 * A mnemo server as a child process (SERVER_ENTRY run through tsx), so that client and server
 * have separate event loops as in production. Its gRPC and /metrics ports are free loopback
 * ports. Each child has a private directory holding its MNEMO_DATA_DIR (index snapshots; unless
 * --server-env sets one, so that runs and tests never share snapshots) and server.log, its
 * stdout and stderr, for diagnosis only: the harness learns nothing from it. The directory is
 * removed by dispose(), except the log of a child that failed.
 */
export class MnemoChild {
  private child: ChildProcess | null = null;
  private readonly dir: string;
  private stopping = false;
  private failed = false;
  private paused = false;

  private constructor(
    readonly options: MnemoOptions,
    readonly port: number,
    readonly metricsPort: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `mnemo-bench-${options.name}-`));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get metricsAddress(): string {
    return `127.0.0.1:${this.metricsPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The MNEMO_* environment the child runs with. */
  get settings(): Record<string, string> {
    return this.env();
  }

  /** Where the child's stdout and stderr go. */
  get logPath(): string {
    return join(this.dir, 'server.log');
  }

  /**
   * Spawns a child and waits (at most `readyTimeoutMs`) until it is ready: grpc.health.v1 says
   * MemoryService SERVING (the index is built) and /metrics counts at least `minMemories` in its
   * episodic index. A child that does not get ready is stopped (its log kept) and the error
   * thrown.
   */
  static async start(
    options: MnemoOptions,
    readyTimeoutMs: number,
    minMemories = 0,
  ): Promise<{ server: MnemoChild; timing: StartTiming }> {
    const server = new MnemoChild(options, await freePort(), await freePort());
    try {
      return { server, timing: await server.launch(readyTimeoutMs, minMemories) };
    } catch (error) {
      await server.stop();
      server.dispose();
      throw error;
    }
  }

  /**
   * The server's kept samples (serverMetrics.ts): its counters, gauges and histogram sums from
   * /metrics; {} when it does not answer.
   */
  async metrics(): Promise<Record<string, number>> {
    return (await scrapeMetrics(this.metricsAddress)) ?? {};
  }

  /**
   * Stops the child (it writes its index snapshot) and starts it again on the same ports and
   * Redis: a restart. With `freshDataDir` the snapshot is removed first, so the index is rebuilt
   * from Redis. `shutdownMs` is SIGTERM → exit of the stopped child.
   */
  async restart(
    readyTimeoutMs: number,
    minMemories: number,
    freshDataDir: boolean,
  ): Promise<{ shutdownMs: number; timing: StartTiming }> {
    const shutdownMs = await this.stop();
    if (freshDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    return { shutdownMs, timing: await this.launch(readyTimeoutMs, minMemories) };
  }

  /**
   * SIGSTOP: the child stops running (its timers, its background work: the reconciliation) until
   * resume(). A paused child answers nothing — no gRPC, no /metrics — so the harness pauses a
   * child only while it calls other servers (driver.ts interleaved()), never around a call or a
   * scrape of that child.
   */
  pause(): void {
    if (this.child === null || this.paused || exited(this.child)) return;
    this.child.kill('SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT after pause(); nothing when the child is not paused. */
  resume(): void {
    if (this.child === null || !this.paused) return;
    this.paused = false;
    if (!exited(this.child)) this.child.kill('SIGCONT');
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * SIGTERM and wait for the exit; resolves with SIGTERM → exit in ms (0 if not running). A
   * paused child is resumed first: a stopped process does not act on SIGTERM until continued.
   */
  async stop(): Promise<number> {
    if (this.child === null) return 0;
    this.resume();
    this.stopping = true;
    const ms = await stopChild(this.child);
    this.child = null;
    return ms;
  }

  /** Removes the private directory; the log of a failed child is kept, and its path told. */
  dispose(): void {
    if (!this.failed) {
      rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    process.stderr.write(`bench: the output of ${this.options.name} is kept in ${this.logPath}\n`);
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private env(): Record<string, string> {
    return {
      MNEMO_GRPC_ADDRESS: this.address,
      MNEMO_METRICS_ADDRESS: this.metricsAddress,
      MNEMO_REDIS_URL: this.options.redisUrl,
      MNEMO_VECTOR_DIM: String(this.options.dim),
      MNEMO_LOG_LEVEL: 'info',
      MNEMO_DATA_DIR: this.dataDir,
      // The harness repeats queries (warm-up, rounds, sweeps): answered from the result cache,
      // they would measure the cache, not searches. --server-env MNEMO_RESULT_CACHE_TTL_MS=1000
      // turns it on (phase3 --reask shows its effect).
      MNEMO_RESULT_CACHE_TTL_MS: '0',
      ...this.options.env,
    };
  }

  private async launch(readyTimeoutMs: number, minMemories: number): Promise<StartTiming> {
    mkdirSync(this.dataDir, { recursive: true });
    const log = openSync(this.logPath, 'a');
    const started = performance.now();
    const prof = this.options.cpuProfDir;
    const nodeArgs = prof == null ? [] : ['--cpu-prof', `--cpu-prof-dir=${prof}`];
    const child = spawnTsx(SERVER_ENTRY, this.env(), false, nodeArgs);
    this.child = child;
    this.stopping = false;
    const write = (chunk: Buffer): void => {
      writeSync(log, chunk);
    };
    child.stdout?.on('data', write);
    child.stderr?.on('data', write);
    child.once('exit', (code) => {
      if (!this.stopping || code !== 0) this.failed = true;
    });
    // After 'exit', output may still arrive; 'close' comes once the pipes are drained.
    child.once('close', () => {
      closeSync(log);
    });
    try {
      const target = {
        name: this.options.name,
        address: this.address,
        metricsAddress: this.metricsAddress,
        security: this.options.security,
        child,
        started,
        diagnosis: () => this.logTail(),
      };
      return await waitReady(target, readyTimeoutMs, minMemories);
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }

  /** The end of the child's output, for an error message. */
  private logTail(): string {
    try {
      const lines = readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-30);
      return `; the end of ${this.logPath}:\n${lines.join('\n')}`;
    } catch {
      return '';
    }
  }
}
