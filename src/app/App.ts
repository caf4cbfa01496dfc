import { join } from 'node:path';
import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { servingMode, type Config } from '../config/config.js';
import { redactUrl } from '../config/redact.js';
import { ChangeFollower } from '../sync/ChangeFollower.js';
import { EfCalibrator } from '../sync/EfCalibrator.js';
import { IndexSet } from '../index/IndexSet.js';
import { IndexSnapshots } from '../sync/IndexSnapshots.js';
import { registry } from '../metrics/metrics.js';
import { MetricsServer } from '../metrics/MetricsServer.js';
import { MemoryService } from '../services/memory/MemoryService.js';
import { MemoryStore } from '../redis/MemoryStore.js';
import { createBlockingPool, closeBlockingPool } from '../redis/blockingPool.js';
import {
  createBlockingClient,
  createRedisClient,
  redisAnswers,
  type RedisTarget,
} from '../redis/clients.js';
import { DEFAULT_ROUTER_OPTIONS, RedisRouter, type NodeState } from '../redis/RedisRouter.js';
import { RedisKeys } from '../redis/RedisKeys.js';
import { GrpcServer } from '../api/GrpcServer.js';
import { HealthService } from '../api/health.js';
import { serveMemory } from '../api/services.js';
import { registerReflection } from '../api/reflection.js';
import { TlsCertificates } from '../api/tls.js';
import { AgentServices } from './AgentServices.js';
import { HEALTH_SERVICES, Readiness } from './Readiness.js';
import { RedisProcess } from './RedisProcess.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The retrieval pipeline's parts the App stops. */
interface RetrievalParts {
  service: MemoryService;
  router: RedisRouter;
  replicas: Redis[];
  writePool: Pool<Redis> | null;
  calibrator: EfCalibrator;
}

/**
 * The composition root: builds every part from the config, starts them bottom-up (metrics,
 * Redis, gRPC listening with health NOT_SERVING, indexes rebuilt, change follower, SERVING) and
 * stops them top-down (NOT_SERVING, calls in flight finished, Redis closed).
 */
export class App {
  private constructor(
    private readonly log: Logger,
    private readonly server: GrpcServer,
    private readonly follower: ChangeFollower,
    private readonly redis: Redis,
    private readonly localRedis: RedisProcess | null,
    readonly port: number,
    readonly indexes: IndexSet,
    private readonly agents: AgentServices,
    readonly health: HealthService,
    private readonly readiness: Readiness,
    private readonly metricsServer: MetricsServer,
    private readonly shutdownGraceMs: number,
    private readonly retrieval: RetrievalParts,
    private readonly tls: TlsCertificates | null,
  ) {}

  /** How the index was made ready at start: loaded from its snapshot, or rebuilt from Redis. */
  indexSource: 'snapshot' | 'rebuild' | 'pending' = 'pending';

  /** Id of the last change-stream entry applied to the index. */
  get changePosition(): string {
    return this.follower.position;
  }

  /** What the Redis router knows of each node now. */
  redisNodes(): NodeState[] {
    return this.retrieval.router.nodes();
  }

  /** The port metrics are served on (useful with MNEMO_METRICS_ADDRESS port 0). */
  get metricsPort(): number {
    return this.metricsServer.port;
  }

  /**
   * Starts every part. `defaultRedisUrl` is where a Redis is looked for when MNEMO_REDIS_URL is
   * unset (tests point it elsewhere than the shared 6379).
   */
  static async start(
    config: Config,
    log: Logger,
    defaultRedisUrl = DEFAULT_REDIS_URL,
  ): Promise<App> {
    // Before anything is started: missing or bad TLS files stop the start (a ConfigError).
    const tls = config.tls === null ? null : await TlsCertificates.load(config.tls);
    // First, so that the rebuild's progress can be watched; a taken address stops the start.
    const metricsServer = await MetricsServer.listen(config.metricsAddress, registry);
    log.info({ address: config.metricsAddress, port: metricsServer.port }, 'serving /metrics');
    try {
      return await App.startServing(config, log, defaultRedisUrl, metricsServer, tls);
    } catch (error) {
      await metricsServer.close();
      throw error;
    }
  }

  private static async startServing(
    config: Config,
    log: Logger,
    defaultRedisUrl: string,
    metricsServer: MetricsServer,
    tls: TlsCertificates | null,
  ): Promise<App> {
    let localRedis: RedisProcess | null = null;
    let redisUrl = config.redisUrl;
    if (redisUrl === null && config.redisSentinels.length === 0) {
      if (await redisAnswers(defaultRedisUrl, 500)) {
        redisUrl = defaultRedisUrl;
      } else {
        const dataDir = join(config.dataDir, 'redis');
        localRedis = await RedisProcess.start({ dataDir });
        redisUrl = localRedis.url;
        log.info(
          { port: localRedis.port, dataDir },
          `no Redis answered at ${defaultRedisUrl}: started a local redis-server (AOF on)`,
        );
      }
    }
    log.info(
      redisUrl === null
        ? { sentinels: config.redisSentinels, master: config.redisSentinelMaster }
        : { redis: redactUrl(redisUrl) },
      'using Redis',
    );

    const target: RedisTarget =
      config.redisSentinels.length > 0
        ? {
            sentinels: config.redisSentinels,
            masterName: config.redisSentinelMaster,
            ...(config.redisUrl === null ? {} : { url: config.redisUrl }),
          }
        : (redisUrl ?? DEFAULT_REDIS_URL);
    const redis = createRedisClient(target, 'mnemo', log);
    const followerConnection = createBlockingClient(target, 'mnemo-follower', log);
    await Promise.all([redis.connect(), followerConnection.connect()]);
    const replicas = config.redisReplicaUrls.map((url) => {
      const client = createRedisClient(url, 'mnemo-replica', log);
      client.connect().catch(() => undefined); // the router keeps it out of rotation until it answers
      return { name: nodeName(url), client };
    });
    const writePool =
      config.writeMinReplicas > 0
        ? createBlockingPool(target, {
            size: config.redisPoolSize,
            name: 'mnemo-writer',
            acquireTimeoutMs: 5000,
            log,
          })
        : null;
    const router = new RedisRouter(
      {
        name: typeof target === 'string' ? nodeName(target) : `sentinel/${target.masterName}`,
        client: redis,
      },
      replicas,
      writePool,
      {
        ...DEFAULT_ROUTER_OPTIONS,
        maxReplicaLagMs: config.maxReplicaLagMs,
        writeMinReplicas: config.writeMinReplicas,
        writeReplicaTimeoutMs: config.writeReplicaTimeoutMs,
      },
      log,
    );
    await router.start();

    const store = new MemoryStore(router, new RedisKeys(config.keyPrefix), {
      changeStreamMaxLen: config.changeStreamMaxLen,
    });
    const indexes = new IndexSet({
      dim: config.vectorDim,
      m: config.hnswM,
      efConstruction: config.hnswEfConstruction,
      efRuntime: config.efRuntime,
      exactSearchMaxCandidates: config.exactSearchMaxCandidates,
      vectorPrecision: config.vectorPrecision,
    });
    const follower = new ChangeFollower(store, followerConnection, indexes, log, {
      blockMs: 1000,
      batchCount: 1000,
      rebuildBatch: 1000,
      snapshots:
        config.snapshotIntervalMs > 0
          ? new IndexSnapshots(join(config.dataDir, 'index', snapshotName(config.keyPrefix)))
          : null,
      snapshotIntervalMs: config.snapshotIntervalMs,
    });
    const calibrator = new EfCalibrator(
      indexes,
      {
        targetRecall: config.targetRecall,
        checkIntervalMs: config.efCalibrationIntervalMs,
        samples: config.efCalibrationSamples,
      },
      log,
    );
    const service = new MemoryService(store, indexes, follower, log, {
      indexApplyTimeoutMs: 10_000,
      deleteChunk: 1000,
      pipeline: config.searchPipeline,
      batchWindowMs: config.batchWindowMs,
      batchMax: config.batchMax,
      batchConcurrency: config.batchConcurrency,
      recordCacheMaxBytes: config.recordCacheMaxBytes,
    });

    // Health: every service NOT_SERVING until Redis answers (and, for MemoryService, until the
    // index is rebuilt). Redis readiness is injected: the router's health view.
    const health = new HealthService(HEALTH_SERVICES);
    const readiness = new Readiness(health, () => router.canServeReads(), log, { pollMs: 500 });
    router.onHealthChange(() => {
      readiness.refresh();
    });
    readiness.start();

    const server = new GrpcServer();
    health.register(server, log);
    registerReflection(server);
    serveMemory(server, service, config, () => readiness.memoryRefusal(), log);
    const agents = AgentServices.create(router, target, config, log);
    agents.register(server);
    const port = await server.listen(config.grpcAddress, tls?.serverCredentials());
    const app = new App(
      log,
      server,
      follower,
      redis,
      localRedis,
      port,
      indexes,
      agents,
      health,
      readiness,
      metricsServer,
      config.shutdownGraceMs,
      { service, router, replicas: replicas.map((r) => r.client), writePool, calibrator },
      tls,
    );
    log.info(
      { address: config.grpcAddress, port },
      'mnemo listening on gRPC: NOT_SERVING until the index is rebuilt',
    );
    log.info(
      {
        address: config.grpcAddress,
        port,
        insecure: config.insecure,
        ...(tls === null ? {} : { certificate: tls.served }),
      },
      servingMode(config),
    );

    try {
      app.indexSource = await follower.load();
    } catch (error) {
      await app.stop(0, false);
      throw error;
    }
    router.onMasterChange(() => {
      follower.requestResync('the Redis master changed');
    });
    follower.start();
    calibrator.start();
    readiness.indexReady();
    log.info({ address: config.grpcAddress, port }, 'mnemo serving gRPC');
    return app;
  }

  /**
   * Reloads what can change without a restart (SIGHUP): the TLS certificates and client CA.
   * Calls in flight and open connections are not disturbed; new connections get what was
   * reloaded. A part whose files are bad keeps what it had; then this rejects, after every part
   * was tried, with a ReloadError naming the variables at fault (never a file's content).
   */
  async reload(): Promise<void> {
    const failures: string[] = [];
    await this.reloadTls().catch((error: unknown) => {
      failures.push(error instanceof Error ? error.message : String(error));
    });
    if (failures.length > 0) throw new ReloadError(failures);
  }

  private async reloadTls(): Promise<void> {
    if (this.tls === null) return;
    const served = await this.tls.reload();
    this.log.info({ certificate: served }, 'TLS certificates reloaded');
  }

  /**
   * Orderly shutdown: health NOT_SERVING at once (Watches told, then ended), audit Tails ended,
   * no new calls accepted, calls in flight finished (up to `graceMs`, then cancelled), then the
   * Redis connections closed. `closeMetrics` false leaves the metrics server to the caller.
   */
  async stop(graceMs = this.shutdownGraceMs, closeMetrics = true): Promise<void> {
    this.readiness.beginShutdown();
    this.health.close();
    this.agents.endTails();
    await this.server.stop(graceMs);
    await this.retrieval.service.drain();
    await this.retrieval.calibrator.stop();
    await this.agents.close();
    await this.follower.stop();
    this.retrieval.router.stop();
    if (this.retrieval.writePool !== null) await closeBlockingPool(this.retrieval.writePool);
    for (const replica of this.retrieval.replicas) replica.disconnect();
    await this.redis.quit().catch(() => undefined);
    await this.localRedis?.stop();
    if (closeMetrics) await this.metricsServer.close();
    this.log.info('mnemo stopped');
  }
}

/** A reload that left one part or more as it was; the message says which and why. */
export class ReloadError extends Error {
  override readonly name = 'ReloadError';

  constructor(readonly failures: readonly string[]) {
    super(`kept the previous material: ${failures.join('; ')}`);
  }
}

/** `host:port` of a redis:// URL, the node label of metrics. */
function nodeName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
}

/** A directory name for the snapshots of one key prefix. */
function snapshotName(prefix: string): string {
  return prefix === '' ? 'default' : `prefix-${Buffer.from(prefix).toString('base64url')}`;
}
