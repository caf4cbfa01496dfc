import {
  Channel,
  credentials,
  loadPackageDefinition,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientReadableStream,
  type Interceptor,
} from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { promisify, type PromiseClient } from './promiseClient.js';
import { pino } from 'pino';
import { authenticate, NO_AUTH } from '../../src/api/middleware/auth.js';
import { TokenStore } from '../../src/api/auth/TokenStore.js';
import { AgentServices } from '../../src/app/AgentServices.js';
import { RedisProcess } from '../../src/app/RedisProcess.js';
import type { AuditOptions } from '../../src/services/audit/AuditService.js';
import type { SessionOptions } from '../../src/services/session/SessionService.js';
import { loadConfig } from '../../src/config/config.js';
import { DEFAULT_ROUTER_OPTIONS, RedisRouter } from '../../src/redis/RedisRouter.js';
import { createRedisClient } from '../../src/redis/clients.js';
import { GrpcServer } from '../../src/api/GrpcServer.js';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import type { ProtoGrpcType as AuditProto } from '../../src/generated/audit.js';
import type { ProtoGrpcType as CacheProto } from '../../src/generated/cache.js';
import type { ProtoGrpcType as RateLimitProto } from '../../src/generated/rate_limit.js';
import type { ProtoGrpcType as SessionProto } from '../../src/generated/session.js';
import type { SessionServiceClient } from '../../src/generated/mnemo/v1/SessionService.js';
import type { SessionServiceWatchSessionsRequest } from '../../src/generated/mnemo/v1/SessionServiceWatchSessionsRequest.js';
import type { SessionServiceWatchSessionsResponse__Output } from '../../src/generated/mnemo/v1/SessionServiceWatchSessionsResponse.js';
import type { ProtoGrpcType as SignalProto } from '../../src/generated/signal.js';
import type { SignalServiceClient } from '../../src/generated/mnemo/v1/SignalService.js';
import type { SignalServiceSubscribeRequest } from '../../src/generated/mnemo/v1/SignalServiceSubscribeRequest.js';
import type { SignalServiceSubscribeResponse__Output } from '../../src/generated/mnemo/v1/SignalServiceSubscribeResponse.js';
import type { AuditServiceClient } from '../../src/generated/mnemo/v1/AuditService.js';
import type { AuditServiceTailRequest } from '../../src/generated/mnemo/v1/AuditServiceTailRequest.js';
import type { AuditServiceTailResponse__Output } from '../../src/generated/mnemo/v1/AuditServiceTailResponse.js';
import type { CacheServiceClient } from '../../src/generated/mnemo/v1/CacheService.js';
import type { RateLimitServiceClient } from '../../src/generated/mnemo/v1/RateLimitService.js';

const quietLog = pino({ level: 'silent' });

/** A redis-server of the test's own on a free loopback port (never the shared 6379). */
export async function startOwnRedis(): Promise<RedisProcess> {
  return RedisProcess.start();
}

/** A gRPC server with CacheService, RateLimitService, AuditService and SessionService over one Redis. */
export interface AgentServer {
  readonly port: number;
  readonly services: AgentServices;
  /** The router every command of the services goes through (its breaker state, for tests). */
  readonly router: RedisRouter;
  /** A plain client of the same Redis, for looking behind the services' backs. */
  readonly raw: Redis;
  stop(): Promise<void>;
}

export async function startAgentServer(
  redis: RedisProcess,
  env: Record<string, string> = {},
  auditTuning: Partial<Omit<AuditOptions, 'maxLen'>> = {},
  sessionTuning: Partial<SessionOptions> = {},
): Promise<AgentServer> {
  const config = loadConfig({ MNEMO_REDIS_URL: redis.url, ...env });
  const command = createRedisClient(redis.url, 'mnemo', quietLog);
  await command.connect();
  const router = new RedisRouter(
    { name: `127.0.0.1:${redis.port}`, client: command },
    [],
    null,
    {
      ...DEFAULT_ROUTER_OPTIONS,
      maxReplicaLagMs: 1000,
      writeMinReplicas: 0,
      writeReplicaTimeoutMs: 1000,
    },
    quietLog,
  );
  await router.start();
  const services = AgentServices.create(
    router,
    redis.url,
    config,
    quietLog,
    auditTuning,
    sessionTuning,
  );
  const server = new GrpcServer(config);
  // With MNEMO_AUTH_TOKENS_FILE, calls need its tokens (as in App); else every call is admin.
  const tokens = await TokenStore.open(config.authTokensFile);
  const auth =
    config.authTokensFile === null
      ? NO_AUTH
      : authenticate({
          tokens: () => tokens.current(),
          quota: (principal, quota) => services.rateLimit.acquireQuota(principal.name, quota),
          log: quietLog,
        });
  services.register(server, auth);
  const port = await server.listen('127.0.0.1:0');
  const raw = new Redis(redis.url);
  return {
    port,
    services,
    router,
    raw,
    async stop() {
      services.endTails();
      await server.stop(1000);
      await services.close();
      router.stop();
      await command.quit();
      await raw.quit();
    },
  };
}

export interface AgentClients {
  cache: PromiseClient<CacheServiceClient>;
  rateLimit: PromiseClient<RateLimitServiceClient>;
  audit: PromiseClient<AuditServiceClient>;
  session: PromiseClient<SessionServiceClient>;
  /** Opens a Tail stream. */
  tail(request: AuditServiceTailRequest): ClientReadableStream<AuditServiceTailResponse__Output>;
  /** Opens a WatchSessions stream. */
  watch(
    request: SessionServiceWatchSessionsRequest,
  ): ClientReadableStream<SessionServiceWatchSessionsResponse__Output>;
  signal: PromiseClient<SignalServiceClient>;
  /** Opens a Subscribe stream. */
  subscribe(
    request: SignalServiceSubscribeRequest,
  ): ClientReadableStream<SignalServiceSubscribeResponse__Output>;
  close(): void;
}

/** How the clients of a channel talk: its credentials (plaintext by default), their interceptors. */
export interface ClientSetup {
  credentials?: ChannelCredentials;
  interceptors?: Interceptor[];
}

/**
 * Bare grpc-js clients of the agent services on one channel (promisified; server streams with
 * grpc-js's event API), for the tests of the wire itself (errorDetails, limits, auth's matrix
 * through tokenClients); tests of behaviour use testClient (testApp.ts), a MnemoClient. Clients
 * made with the same options share one connection; `{ 'grpc.use_local_subchannel_pool': 1 }`
 * gives these a connection of their own.
 */
export function agentClients(
  port: number,
  options: ChannelOptions = {},
  { credentials: secure = credentials.createInsecure(), interceptors = [] }: ClientSetup = {},
): AgentClients {
  const root = loadPackageDefinition(mnemoPackageDefinition()) as unknown as CacheProto &
    RateLimitProto &
    AuditProto &
    SessionProto &
    SignalProto;
  const address = `127.0.0.1:${port}`;
  const channel = new Channel(address, secure, options);
  const over = { channelOverride: channel, interceptors };
  const cache = new root.mnemo.v1.CacheService(address, secure, over);
  const rateLimit = new root.mnemo.v1.RateLimitService(address, secure, over);
  const audit = new root.mnemo.v1.AuditService(address, secure, over);
  const session = new root.mnemo.v1.SessionService(address, secure, over);
  const signal = new root.mnemo.v1.SignalService(address, secure, over);
  return {
    cache: promisify(cache),
    rateLimit: promisify(rateLimit),
    audit: promisify(audit),
    session: promisify(session),
    tail: (request) => audit.Tail(request),
    watch: (request) => session.WatchSessions(request),
    signal: promisify(signal),
    subscribe: (request) => signal.Subscribe(request),
    close() {
      cache.close();
      rateLimit.close();
      audit.close();
      session.close();
      signal.close();
      channel.close();
    },
  };
}

export { rejection } from './promiseClient.js';
