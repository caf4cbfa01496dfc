import { join } from 'node:path';
import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { servingMode, type Config } from '../config/config.js';
import { redactUrl } from '../config/redact.js';
import { ChangeFollower } from '../sync/ChangeFollower.js';
import { EfCalibrator } from '../sync/EfCalibrator.js';
import { IndexSet } from '../index/IndexSet.js';
import { indexEngine } from '../index/HnswEngine.js';
import { IndexSnapshots } from '../sync/IndexSnapshots.js';
import { Reconciler } from '../sync/Reconciler.js';
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
import {
  followMemoryRemovals,
  keyspaceEventsSetting,
  removalEventsPublished,
} from '../redis/keyspaceEvents.js';
import { GrpcServer } from '../api/GrpcServer.js';
import type { CallCounts } from '../api/middleware/limits.js';
import { HealthService } from '../api/health.js';
import { TokenStore } from '../api/auth/TokenStore.js';
import { authenticate } from '../api/middleware/auth.js';
import { serveMemory } from '../api/services.js';
import { registerReflection } from '../api/reflection.js';
import { TlsCertificates } from '../api/tls.js';
import { AgentServices } from './AgentServices.js';
import { HEALTH_SERVICES, Readiness } from './Readiness.js';
import { RedisProcess } from './RedisProcess.js';
import { RemovalWatch } from './RemovalWatch.js';

export { TokenFileError } from '../api/auth/tokenFile.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** How often notify-keyspace-events is read again (RemovalWatch). */
const REMOVAL_CHECK_INTERVAL_MS = 10_000;

/** The retrieval pipeline's parts the App stops. */
interface RetrievalParts {
  service: MemoryService;
  router: RedisRouter;
  replicas: Redis[];
  writePool: Pool<Redis> | null;
  calibrator: EfCalibrator;
  reconciler: Reconciler;
  /** The connection subscribed to key removals, its unsubscriber and what tells the cache. */
  removals: { subscriber: Redis; stop: () => Promise<void>; watch: RemovalWatch };
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
    private readonly tokens: TokenStore,
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

  /** The calls counted against the call limits now (MNEMO_MAX_INFLIGHT, MNEMO_MAX_STREAMS). */
  callCounts(): CallCounts {
    return this.server.callLimits.counts();
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
    // A bad token file stops the start before anything listens (TokenFileError says why), and
    // so do missing or bad TLS files (a ConfigError naming the variable).
    const tokens = await TokenStore.open(config.authTokensFile);
    const tls = config.tls === null ? null : await TlsCertificates.load(config.tls);
    // Next, so that the rebuild's progress can be watched; a taken address stops the start.
    const metricsServer = await MetricsServer.listen(config.metricsAddress, registry);
    log.info({ address: config.metricsAddress, port: metricsServer.port }, 'serving /metrics');
    try {
      return await App.startServing(config, log, defaultRedisUrl, metricsServer, tokens, tls);
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
    tokens: TokenStore,
    tls: TlsCertificates | null,
  ): Promise<App> {
    let localRedis: RedisProcess | null = null;
    let redisUrl = config.redisUrl;
    if (redisUrl === null && config.redisSentinels.length === 0) {
      if (await redisAnswers(defaultRedisUrl, 500)) {
        redisUrl = defaultRedisUrl;
      } else {
        const dataDir = join(config.dataDir, 'redis');
        // As the deployment's redis-master.conf: removals behind mnemo's back are published.
        localRedis = await RedisProcess.start({
          dataDir,
          args: ['--notify-keyspace-events', 'Egxe'],
        });
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
    const removalsConnection = createBlockingClient(target, 'mnemo-keyspace', log);
    await Promise.all([
      redis.connect(),
      followerConnection.connect(),
      removalsConnection.connect(),
    ]);
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

    const keys = new RedisKeys(config.keyPrefix);
    const store = new MemoryStore(router, keys, {
      changeStreamMaxLen: config.changeStreamMaxLen,
      asOfRetentionSeconds: config.asOfRetentionMs / 1000,
    });
    const indexes = new IndexSet({
      dim: config.vectorDim,
      m: config.hnswM,
      efConstruction: config.hnswEfConstruction,
      efRuntime: config.efRuntime,
      exactSearchMaxCandidates: config.exactSearchMaxCandidates,
      payloadMaxBytes: config.indexPayloadMaxBytes,
      vectorPrecision: config.vectorPrecision,
      rankingHeadroom: config.rankingHeadroom,
      rankingMaxHeadroom: config.rankingMaxHeadroom,
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
      datasetCheckIntervalMs: config.datasetCheckIntervalMs,
      onReset: {
        rebuilding: () => {
          readiness.indexRebuilding();
        },
        ready: () => {
          readiness.indexReady();
        },
      },
    });
    const reconciler = new Reconciler(indexes, follower.repairer, log, {
      perSecond: config.reconcilePerSecond,
      tickMs: 250,
    });
    const stopRemovals = await followMemoryRemovals(removalsConnection, keys, (kind, id) => {
      follower.repairer.suspect(kind, id, 'notification');
    });
    logKeyspaceEvents(await keyspaceEventsSetting(redis), log);
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
      batchSearchSlots: config.batchSearchSlots,
      recordCacheMaxBytes: config.recordCacheMaxBytes,
      recordCacheMaxAgeMs: config.recordCacheMaxAgeMs,
      requestIdWindowMs: config.requestIdWindowMs,
      resultCacheTtlMs: config.resultCacheTtlMs,
      resultCacheMaxBytes: config.resultCacheMaxBytes,
    });
    const removals = {
      subscriber: removalsConnection,
      stop: stopRemovals,
      watch: new RemovalWatch({
        redis,
        subscriber: removalsConnection,
        checkIntervalMs: REMOVAL_CHECK_INTERVAL_MS,
        log,
        onChange: (followed) => {
          service.followRemovals(followed);
        },
      }),
    };
    await removals.watch.check();

    // Health: every service NOT_SERVING until Redis answers (and, for MemoryService, until the
    // index is rebuilt). Redis readiness is injected: the router's health view.
    const health = new HealthService(HEALTH_SERVICES);
    const readiness = new Readiness(health, () => router.canServeReads(), log, { pollMs: 500 });
    router.onHealthChange(() => {
      readiness.refresh();
    });
    readiness.start();

    const server = new GrpcServer(config);
    health.register(server, log);
    registerReflection(server);
    const agents = AgentServices.create(router, target, config, log);
    const auth = authenticate({
      tokens: () => tokens.current(),
      quota: (principal, quota) => agents.rateLimit.acquireQuota(principal.name, quota),
      log,
    });
    serveMemory(server, service, config, () => readiness.memoryRefusal(), auth, log);
    agents.register(server, auth);
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
      {
        service,
        router,
        replicas: replicas.map((r) => r.client),
        writePool,
        calibrator,
        reconciler,
        removals,
      },
      tokens,
      tls,
    );
    log.info(
      { address: config.grpcAddress, port, indexEngine: indexEngine() },
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
    reconciler.start();
    readiness.indexReady();
    log.info({ address: config.grpcAddress, port }, 'mnemo serving gRPC');
    return app;
  }

  /**
   * Reloads what SIGHUP reloads: the token file and the TLS certificates (and client CA). A part
   * whose files are bad keeps what it had, and the log says why in one warn line (never a file's
   * content). Calls in flight and open connections are not disturbed; new connections get the
   * reloaded certificates. Every part is tried; this rejects only on an unexpected failure.
   */
  async reload(): Promise<void> {
    const outcomes = await Promise.allSettled([
      this.tokens.reload(this.log),
      this.tls?.reload(this.log),
    ]);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
    }
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
    await this.retrieval.reconciler.stop();
    this.retrieval.removals.watch.stop();
    await this.retrieval.removals.stop();
    this.retrieval.removals.subscriber.disconnect();
    await this.follower.repairer.settled();
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

/** `host:port` of a redis:// URL, the node label of metrics. */
function nodeName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
}

/** Says whether Redis publishes the key removals the index follows (notify-keyspace-events). */
function logKeyspaceEvents(setting: string | null, log: Logger): void {
  if (setting === null) {
    log.info(
      'cannot read notify-keyspace-events: key removals are followed if Redis publishes them',
    );
    return;
  }
  const events = removalEventsPublished(setting);
  if (events.length === 3) {
    log.info({ events }, 'following key removals through keyspace notifications');
  } else {
    log.info(
      { 'notify-keyspace-events': setting, events },
      'keyspace notifications (Egxe) are not all on: memories removed behind mnemo are found by the reconciliation',
    );
  }
}

/** A directory name for the snapshots of one key prefix. */
function snapshotName(prefix: string): string {
  return prefix === '' ? 'default' : `prefix-${Buffer.from(prefix).toString('base64url')}`;
}
