import type { EpisodicFilter } from '../../src/generated/mnemo/v1/EpisodicFilter.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import { calibrationNote, waitCalibrated, willCalibrate } from './calibration.js';
import { AGENTS, agentId, Dataset } from './dataset.js';
import { closedLoop, type Target } from './driver.js';
import type { Environment } from './environment.js';
import { loadDataset, type LoadResult } from './loader.js';
import type { BenchOptions } from './options.js';
import { Cleanup } from './cleanup.js';
import { EchoChild } from './echoChild.js';
import { MnemoChild } from './mnemoChild.js';
import type { StartTiming } from './readiness.js';
import { startRedis, type RedisHandle } from './redisServer.js';
import { status } from './progress.js';
import { Channels, RAW_SEARCH, type ClientSecurity } from './rpc.js';
import { RawChannel } from './rawChannel.js';
import { secureSetup } from './secure.js';
import { processCpuSeconds } from './procCpu.js';
import { f32le } from './syntheticData.js';

/** A server the harness measures: mnemo, mnemo in naive mode or secured, or the echo floor. */
export interface Server {
  name: string;
  address: string;
  /** The mnemo child process, when the harness started one. */
  child: MnemoChild | null;
  /** Whether the harness started this server (mnemo, naive, secure or echo child). */
  selfStarted: boolean;
  channels: Channels;
  /**
   * Present on a server with background work that would load the machine and Redis while other
   * servers are measured (the `reconcile` child): interleaved() pauses it then (SIGSTOP) and
   * resumes it (SIGCONT) for its own rounds (driver.ts).
   */
  pause?: () => void;
  resume?: () => void;
  /** The server's process id, where the harness started it (for its CPU, from /proc). */
  pid?: () => number | undefined;
}

/** How long a mnemo child may take to get ready (index rebuild included). */
const READY_TIMEOUT_MS = 30 * 60_000;

/**
 * The servers and data of one run: our own redis-server and mnemo child (or a target), the data
 * set, and whatever else was started; everything is stopped by `cleanup`.
 */
export class BenchContext {
  readonly cleanup = new Cleanup();
  readonly dataset: Dataset;
  redis: RedisHandle | null = null;
  mnemo: Server | null = null;
  readonly servers: Server[] = [];
  startTiming: StartTiming | null = null;
  /** Whether the data set is in mnemo's Redis (loaded by this run). */
  loaded = false;

  constructor(
    readonly options: BenchOptions,
    readonly env: Environment,
  ) {
    this.dataset = new Dataset(
      options.data,
      options.dim,
      options.seed,
      options.memories,
      options.clusters,
    );
  }

  /**
   * Warm-up calls per target: --warmup, and at least the searches a server's ef calibration
   * replays where it will calibrate (it waits for that many to be served).
   */
  warmupCalls(): number {
    const calibrating = this.calibrating();
    const samples = this.options.serverSettings.efCalibrationSamples;
    return Math.max(this.options.warmup, calibrating ? samples : 0);
  }

  /**
   * Waits until every mnemo child this run started has calibrated its default ef on the loaded
   * data (calibration.ts), so that measurements see the steady state rather than the configured
   * default; at once where the server would not calibrate (a data set small enough for exact
   * search, MNEMO_TARGET_RECALL=0, or a --target). Call it after a warm-up of warmupCalls().
   */
  async calibrated(): Promise<void> {
    if (!this.calibrating()) return;
    const children = this.servers.flatMap((s) => (s.child === null ? [] : [s.child]));
    await waitCalibrated(children, this.options.quiet);
  }

  /** What the mnemo child's ef calibration chose, as a note; null if it made none. */
  async calibrationNote(): Promise<string | null> {
    const child = this.mnemo?.child ?? null;
    return child === null ? null : calibrationNote(child);
  }

  /** Whether the self-started servers will calibrate their default ef on the data set. */
  private calibrating(): boolean {
    return (
      this.options.target === null && willCalibrate(this.options.serverSettings, this.dataset.size)
    );
  }

  /** Redis of mnemo: ours, --redis-url, or unknown (a target without --redis-url). */
  get redisUrl(): string | null {
    return this.redis?.url ?? this.options.redisUrl;
  }

  /** Starts (or connects to) mnemo with `channels` client connections. */
  async startMnemo(channels: number): Promise<Server> {
    const o = this.options;
    if (o.target !== null) {
      this.mnemo = this.addServer('mnemo', o.target, null, channels);
      await this.mnemo.channels.connect();
      return this.mnemo;
    }
    let redisUrl = o.redisUrl;
    if (redisUrl === null) {
      const redis = await startRedis();
      this.redis = redis;
      this.cleanup.add('redis-server', () => redis.stop());
      redisUrl = redis.url;
    }
    status(`starting mnemo (redis ${redisUrl})`, o.quiet);
    // Compared with a reconciling child (or measured as the reconciliation's baseline), mnemo
    // itself runs without the reconciliation.
    const reconcileOff = o.compare.has('reconcile') || o.phase === 'reconcile';
    const env = reconcileOff ? { ...o.serverEnv, MNEMO_RECONCILE_PER_SECOND: '0' } : o.serverEnv;
    const { server, timing } = await MnemoChild.start(
      { name: 'mnemo', redisUrl, dim: o.dim, env, cpuProfDir: o.cpuProfDir },
      READY_TIMEOUT_MS,
    );
    this.cleanup.add('mnemo', async () => {
      await server.stop();
      server.dispose();
    });
    this.startTiming = timing;
    this.mnemo = this.addServer('mnemo', server.address, server, channels);
    return this.mnemo;
  }

  /**
   * The naive-mode server for `--compare naive`: a second child on the same Redis and data with
   * MNEMO_SEARCH_PIPELINE=naive (start it after loading: it builds its index from Redis).
   */
  async startNaive(channels: number): Promise<Server> {
    const o = this.options;
    if (o.naiveTarget !== null) {
      const server = this.addServer('naive', o.naiveTarget, null, channels);
      await server.channels.connect();
      return server;
    }
    status('starting mnemo in naive mode (MNEMO_SEARCH_PIPELINE=naive)', o.quiet);
    return this.startFollower(
      'naive',
      { ...o.serverEnv, MNEMO_SEARCH_PIPELINE: 'naive' },
      undefined,
      channels,
    );
  }

  /**
   * The server for `--compare secure`: a further child on the same Redis and data serving gRPC
   * over TLS with bearer tokens required (secure.ts), its one `agent` token holding every agent
   * of the data set. Every call of the harness to it (readiness included) goes over TLS with the
   * token. Start it after loading, as the naive one.
   */
  async startSecure(channels: number): Promise<Server> {
    status('starting mnemo with TLS and bearer tokens', this.options.quiet);
    const agents = Array.from({ length: AGENTS }, (_, i) => agentId(i));
    const secure = await secureSetup(agents);
    this.cleanup.add('secure files', () => {
      secure.dispose();
      return Promise.resolve();
    });
    const env = { ...this.options.serverEnv, ...secure.env };
    return this.startFollower('secure', env, secure.client, channels);
  }

  /**
   * The server for `--compare reconcile` and the reconcile phase: a further child on the same
   * Redis and data with the reconciliation on (MNEMO_RECONCILE_PER_SECOND =
   * --reconcile-per-second; mnemo itself runs with 0). Its reconciliation runs all the time, so
   * it can be paused (Server.pause/resume: SIGSTOP/SIGCONT of the child) while other servers
   * are measured. Start it after loading, as the naive one.
   */
  async startReconcile(channels: number): Promise<Server> {
    const perSecond = this.options.reconcilePerSecond;
    status(`starting mnemo with the reconciliation on (${perSecond}/s)`, this.options.quiet);
    const env = { ...this.options.serverEnv, MNEMO_RECONCILE_PER_SECOND: String(perSecond) };
    return this.startFollower('reconcile', env, undefined, channels, true);
  }

  /** A child started on mnemo's Redis once its index holds the loaded data. */
  private async startFollower(
    name: string,
    env: Record<string, string>,
    security: ClientSecurity | undefined,
    channels: number,
    pausable = false,
  ): Promise<Server> {
    const redisUrl = this.redisUrl;
    if (redisUrl === null) throw new Error(`--compare ${name} needs mnemo’s Redis`);
    // Beside the reconciling child only that child reconciles: the naive and secure children
    // would otherwise reconcile during every target's rounds, as mnemo would.
    const quiet = name !== 'reconcile' && this.options.compare.has('reconcile');
    const { server } = await MnemoChild.start(
      {
        name,
        redisUrl,
        dim: this.options.dim,
        env: quiet ? { ...env, MNEMO_RECONCILE_PER_SECOND: '0' } : env,
        security,
        cpuProfDir: this.options.cpuProfDir,
      },
      READY_TIMEOUT_MS,
      this.loaded ? this.dataset.size : 0,
    );
    this.cleanup.add(`mnemo (${name})`, async () => {
      await server.stop(); // resumes a paused child first
      server.dispose();
    });
    const added = this.addServer(name, server.address, server, channels);
    if (pausable) {
      added.pause = () => {
        server.pause();
      };
      added.resume = () => {
        server.resume();
      };
    }
    return added;
  }

  /** The echo floor, answering with `response` (SearchEpisodic bytes captured from mnemo). */
  async startEcho(response: Buffer, channels: number): Promise<Server> {
    const echo = await EchoChild.start(response);
    this.cleanup.add('echo server', () => echo.stop());
    const server = this.addServer('echo', echo.address, null, channels);
    server.pid = () => echo.pid;
    await server.channels.connect();
    return server;
  }

  /** Loads the data set through mnemo (UpsertEpisodic batches); null with --no-load. */
  async load(): Promise<LoadResult | null> {
    const mnemo = this.requireMnemo();
    if (this.options.noLoad || this.dataset.size === 0) return null;
    const result = await loadDataset(
      this.dataset,
      (memories) =>
        mnemo.channels.client(0).memory.upsertEpisodic({ memories }, { timeoutMs: 300_000 }),
      {
        batch: this.options.loadBatch,
        inflight: this.options.loadInflight,
        quiet: this.options.quiet,
        label: 'loading',
      },
    );
    this.loaded = true;
    return result;
  }

  requireMnemo(): Server {
    if (this.mnemo === null) throw new Error('mnemo is not started');
    return this.mnemo;
  }

  /**
   * The SearchEpisodic response bytes of mnemo for one request (sizes the echo's answer), as they
   * came off the wire: over a bare HTTP/2 connection (mnemo's own server is plaintext).
   */
  async captureResponse(request: SearchEpisodicRequest): Promise<Buffer> {
    const raw = new RawChannel(this.requireMnemo().address);
    try {
      return await raw.call(RAW_SEARCH, request, 60_000);
    } finally {
      raw.close();
    }
  }

  private addServer(
    name: string,
    address: string,
    child: MnemoChild | null,
    channels: number,
  ): Server {
    const server: Server = {
      name,
      address,
      child,
      selfStarted: child !== null || name === 'echo',
      channels: new Channels(
        address,
        channels,
        undefined,
        {},
        child?.options.security,
        this.options.client,
      ),
      pid: () => child?.pid,
    };
    this.cleanup.add(`${name} channels`, () => {
      server.channels.close();
      return Promise.resolve();
    });
    this.servers.push(server);
    return server;
  }
}

/** Query vectors, encoded once. */
export function encodeQueries(vectors: readonly Float32Array[]): Buffer[] {
  return vectors.map((v) => Buffer.from(f32le(v)));
}

/** Agent w's own-memories filter (each agent owns 10% of the data). */
export function agentFilter(agent: number): EpisodicFilter {
  return { agent_ids: [agentId(agent % AGENTS)] };
}

/** What the answers of a search target held: a check that every target did the real work. */
export interface Answers {
  answers: number;
  hits: number;
  /** Answers with no hit at all (every filter of the latency phases passes ≥ k memories). */
  empty: number;
}

export interface SearchTarget extends Target {
  answers: Answers;
}

/**
 * SearchEpisodic as a workload: worker w's i-th call sends query number `i * workers + w` (all
 * distinct until the pool wraps), with agent w's filter by default; hits are counted. With
 * `stream`, the same searches go as messages of SearchEpisodicStream (one stream per channel),
 * as target `<server> stream`.
 */
export function searchTarget(
  server: Server,
  queries: readonly Buffer[],
  workers: number,
  request: (worker: number, i: number) => Omit<SearchEpisodicRequest, 'vector'>,
  stream = false,
): SearchTarget {
  const answers: Answers = { answers: 0, hits: 0, empty: 0 };
  const send = (message: SearchEpisodicRequest, worker: number) =>
    stream
      ? server.channels.streamSearch(message, worker)
      : server.channels.search(message, worker);
  return {
    name: stream ? `${server.name} stream` : server.name,
    answers,
    ...(server.pause === undefined ? {} : { pause: server.pause }),
    ...(server.resume === undefined ? {} : { resume: server.resume }),
    cpuSeconds: () => processCpuSeconds(server.pid?.()),
    call: async (worker, i) => {
      const vector = queries[(i * workers + worker) % queries.length];
      const response = await send({ vector: { f32le: vector }, ...request(worker, i) }, worker);
      answers.answers++;
      answers.hits += response.hits.length;
      if (response.hits.length === 0) answers.empty++;
      return response;
    },
  };
}

/** Forgets the answers counted so far (after a warm-up). */
export function resetAnswers(targets: readonly SearchTarget[]): void {
  for (const t of targets) {
    t.answers.answers = 0;
    t.answers.hits = 0;
    t.answers.empty = 0;
  }
}

/** Warm-up calls (JIT, connections, caches) that are not measured. */
export async function warmUp(
  targets: readonly Target[],
  workers: number,
  calls: number,
): Promise<void> {
  if (calls <= 0) return;
  const perWorker = Math.max(1, Math.ceil(calls / workers));
  for (const target of targets) await closedLoop(workers, perWorker, target.call, 1_000_000);
}
