import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { ChangeFollower } from '../index/ChangeFollower.js';
import { IndexSet } from '../index/IndexSet.js';
import { MemoryService } from '../retrieval/MemoryService.js';
import { defineScripts } from '../storage/luaScripts.js';
import { MemoryStore } from '../storage/MemoryStore.js';
import { createBlockingClient, createRedisClient, redisAnswers } from '../storage/redisClient.js';
import { RedisKeys } from '../storage/RedisKeys.js';
import { GrpcServer } from '../transport/GrpcServer.js';
import { memoryHandlers } from '../transport/memoryHandlers.js';
import { serviceDefinition } from '../transport/protoDescriptors.js';
import { AgentServices } from './AgentServices.js';
import { RedisProcess } from './RedisProcess.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The composition root: builds every part from the config, starts them bottom-up (Redis,
 * indexes rebuilt, change follower, gRPC) and stops them top-down.
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
  ) {}

  /**
   * Starts every part. `defaultRedisUrl` is where a Redis is looked for when MNEMO_REDIS_URL is
   * unset (tests point it elsewhere than the shared 6379).
   */
  static async start(
    config: Config,
    log: Logger,
    defaultRedisUrl = DEFAULT_REDIS_URL,
  ): Promise<App> {
    let localRedis: RedisProcess | null = null;
    let redisUrl = config.redisUrl;
    if (redisUrl === null) {
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
    log.info({ redis: redactUrl(redisUrl) }, 'using Redis');

    const redis = createRedisClient(redisUrl, 'mnemo', log);
    const followerConnection = createBlockingClient(redisUrl, 'mnemo-follower', log);
    await Promise.all([redis.connect(), followerConnection.connect()]);
    defineScripts(redis);

    const store = new MemoryStore(redis, new RedisKeys(config.keyPrefix), {
      changeStreamMaxLen: config.changeStreamMaxLen,
    });
    const indexes = new IndexSet({
      dim: config.vectorDim,
      m: config.hnswM,
      efConstruction: config.hnswEfConstruction,
      efRuntime: config.efRuntime,
      exactSearchMaxCandidates: config.exactSearchMaxCandidates,
    });
    const follower = new ChangeFollower(store, followerConnection, indexes, log, {
      blockMs: 1000,
      batchCount: 1000,
      rebuildBatch: 1000,
    });
    await follower.rebuild();
    follower.start();

    const service = new MemoryService(store, indexes, follower, log, {
      indexApplyTimeoutMs: 10_000,
      deleteChunk: 1000,
    });
    const server = new GrpcServer();
    server.add(serviceDefinition('MemoryService'), memoryHandlers(service, config, log));
    const agents = AgentServices.create(redis, redisUrl, config, log);
    agents.register(server);
    const port = await server.listen(config.grpcAddress);
    log.info({ address: config.grpcAddress, port }, 'mnemo serving gRPC');
    return new App(log, server, follower, redis, localRedis, port, indexes, agents);
  }

  async stop(graceMs = 5000): Promise<void> {
    this.agents.endTails();
    await this.server.stop(graceMs);
    await this.agents.close();
    await this.follower.stop();
    await this.redis.quit().catch(() => undefined);
    await this.localRedis?.stop();
    this.log.info('mnemo stopped');
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
