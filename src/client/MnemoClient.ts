import { randomUUID } from 'node:crypto';
import { Client, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type {
  AuditServiceClient,
  AuditServiceDefinition,
} from '../generated/mnemo/v1/AuditService.js';
import type {
  CacheServiceClient,
  CacheServiceDefinition,
} from '../generated/mnemo/v1/CacheService.js';
import type {
  MemoryServiceClient,
  MemoryServiceDefinition,
} from '../generated/mnemo/v1/MemoryService.js';
import type {
  SignalServiceClient,
  SignalServiceDefinition,
} from '../generated/mnemo/v1/SignalService.js';
import type {
  SessionServiceClient,
  SessionServiceDefinition,
} from '../generated/mnemo/v1/SessionService.js';
import type {
  RateLimitServiceClient,
  RateLimitServiceDefinition,
} from '../generated/mnemo/v1/RateLimitService.js';
import { mnemoPackageDefinition, PROTO_OPTIONS } from '../proto/packageDefinition.js';
import {
  channelCredentials,
  channelOptions,
  resolveOptions,
  type ClientOptions,
} from './options.js';
import {
  serviceApi,
  type CallContext,
  type CallOptions,
  type Prepare,
  type ServiceApi,
} from './services.js';

/**
 * Gives an upsert without a request_id a random one, so that a retry is applied once (only a
 * client that retries needs it: a random id serves no other call).
 */
const withRequestId: Prepare = (request) =>
  typeof request.request_id === 'string' && request.request_id !== ''
    ? request
    : { ...request, request_id: randomUUID() };

type Methods = Record<string, MethodDefinition<unknown, unknown>>;

function definitionOf(name: string): Methods {
  const definition = mnemoPackageDefinition()[`mnemo.v1.${name}`] as ServiceDefinition | undefined;
  if (definition === undefined) throw new Error(`no service mnemo.v1.${name} in proto/`);
  return definition as unknown as Methods;
}

/** A serving status of grpc.health.v1. */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface HealthApi {
  check(request: { service: string }, options?: CallOptions): Promise<{ status: ServingStatus }>;
}

let health: Methods | undefined;

/** grpc.health.v1.Health as grpc-health-check ships it, loaded once. */
function healthDefinition(): Methods {
  health ??= loadSync(healthProtoPath, PROTO_OPTIONS)['grpc.health.v1.Health'] as Methods;
  return health;
}

/**
 * The TypeScript client of mnemo: one channel, every service, typed by the generated types.
 *
 *     const mnemo = new MnemoClient('localhost:50051', { token, timeoutMs: 2000 });
 *     const { hits } = await mnemo.memory.searchEpisodic({ vector: state, k: 5 });
 *
 * Vectors go in as Float32Array, number[] or a Vector (sent as little-endian float32); failed
 * calls reject with MnemoError (status, message, field); idempotent calls refused UNAVAILABLE
 * are retried after the server's pushback; upserts get a request_id unless they carry one (or
 * the client never retries: maxAttempts 1).
 */
export class MnemoClient {
  readonly memory: ServiceApi<MemoryServiceDefinition, MemoryServiceClient>;
  readonly cache: ServiceApi<CacheServiceDefinition, CacheServiceClient>;
  readonly rateLimit: ServiceApi<RateLimitServiceDefinition, RateLimitServiceClient>;
  readonly audit: ServiceApi<AuditServiceDefinition, AuditServiceClient>;
  readonly sessions: ServiceApi<SessionServiceDefinition, SessionServiceClient>;
  readonly signals: ServiceApi<SignalServiceDefinition, SignalServiceClient>;
  private readonly client: Client;
  private readonly context: CallContext;
  private healthApi: HealthApi | undefined;

  constructor(
    readonly target: string,
    options: ClientOptions = {},
  ) {
    const resolved = resolveOptions(options);
    this.client = new Client(target, channelCredentials(resolved.tls), channelOptions(resolved));
    const context: CallContext = (this.context = {
      client: this.client,
      timeoutMs: resolved.timeoutMs,
      metadata: resolved.token === undefined ? {} : { authorization: `Bearer ${resolved.token}` },
    });
    // With maxAttempts 1 nothing is ever sent twice: upserts go as given (no id to remember).
    const upserts: Record<string, Prepare> =
      resolved.maxAttempts > 1
        ? { UpsertEpisodic: withRequestId, UpsertSemantic: withRequestId }
        : {};
    this.memory = serviceApi(definitionOf('MemoryService'), context, upserts);
    this.cache = serviceApi(definitionOf('CacheService'), context);
    this.rateLimit = serviceApi(definitionOf('RateLimitService'), context);
    this.audit = serviceApi(definitionOf('AuditService'), context);
    this.sessions = serviceApi(definitionOf('SessionService'), context);
    this.signals = serviceApi(definitionOf('SignalService'), context);
  }

  /** grpc.health.v1 Check of `service` ('' = the server as a whole). */
  async health(service = '', options?: CallOptions): Promise<ServingStatus> {
    this.healthApi ??= serviceApi(healthDefinition(), this.context) as unknown as HealthApi;
    return (await this.healthApi.check({ service }, options)).status;
  }

  /** Resolves once the channel is connected; rejects after `timeoutMs`. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + timeoutMs, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Closes the channel; calls in flight fail CANCELLED. */
  close(): void {
    this.client.close();
  }
}
