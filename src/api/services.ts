import type { Logger } from 'pino';
import type { AuditServiceHandlers } from '../generated/mnemo/v1/AuditService.js';
import type { CacheServiceHandlers } from '../generated/mnemo/v1/CacheService.js';
import type { MemoryServiceHandlers } from '../generated/mnemo/v1/MemoryService.js';
import type { RateLimitServiceHandlers } from '../generated/mnemo/v1/RateLimitService.js';
import type { SessionServiceHandlers } from '../generated/mnemo/v1/SessionService.js';
import type { SignalServiceHandlers } from '../generated/mnemo/v1/SignalService.js';
import type { AuditService } from '../services/audit/AuditService.js';
import type { CacheService } from '../services/cache/CacheService.js';
import type { MemoryService } from '../services/memory/MemoryService.js';
import type { RateLimitService } from '../services/ratelimit/RateLimitService.js';
import type { SessionService } from '../services/session/SessionService.js';
import type { SignalService } from '../services/signal/SignalService.js';
import { auditHandlers } from './audit/handlers.js';
import type { AuditLimits } from './audit/codec.js';
import { cacheHandlers } from './cache/handlers.js';
import type { CacheLimits } from './cache/codec.js';
import type { ServiceRegistry } from './health.js';
import type { CodecLimits } from './memory/codec.js';
import type { InfoSettings } from './memory/info.js';
import { memoryHandlers } from './memory/handlers.js';
import { bindService, type BindOptions } from './middleware/adapter.js';
import { serviceChain } from './middleware/chain.js';
import type { CallLimits } from './middleware/limits.js';
import type { Middleware } from './middleware/types.js';
import type { Refusal } from './middleware/readiness.js';
import { serviceDefinition } from './protos.js';
import type { RateLimitSettings } from './ratelimit/codec.js';
import { rateLimitHandlers } from './ratelimit/handlers.js';
import { sessionHandlers } from './session/handlers.js';
import type { SessionLimits } from './session/codec.js';
import { signalHandlers } from './signal/handlers.js';

/**
 * Where mnemo's services are served: every call of theirs counts against `callLimits`, and a
 * stream whose client does not read for `streamIdleTimeoutMs` is ended (0: never).
 */
export interface LimitedRegistry extends ServiceRegistry {
  readonly callLimits: CallLimits;
  readonly streamIdleTimeoutMs: number;
  /** Messages of one request stream read but not yet answered (flow control). */
  readonly streamMaxInflight: number;
}

function bindOptions(server: LimitedRegistry): BindOptions {
  return {
    streamIdleTimeoutMs: server.streamIdleTimeoutMs,
    streamMaxInflight: server.streamMaxInflight,
  };
}

/**
 * Serves mnemo.v1.MemoryService; calls pass `auth`, count against the server's limits, and are
 * refused while `refusal` says so (index rebuild).
 */
export function serveMemory(
  server: LimitedRegistry,
  service: MemoryService,
  limits: CodecLimits & InfoSettings,
  refusal: Refusal,
  auth: Middleware,
  log: Logger,
): void {
  const definition = serviceDefinition('MemoryService');
  const handlers = memoryHandlers(service, limits);
  server.add(
    definition,
    bindService<MemoryServiceHandlers>(
      definition,
      handlers,
      serviceChain({ auth, limits: server.callLimits, refusal }),
      log,
      bindOptions(server),
    ),
  );
}

/** The agent infrastructure services a server serves. */
export interface AgentServiceSet {
  readonly cache: CacheService;
  readonly rateLimit: RateLimitService;
  readonly audit: AuditService;
  readonly session: SessionService;
  readonly signal: SignalService;
}

/**
 * Serves mnemo.v1.CacheService, RateLimitService, AuditService, SessionService and
 * SignalService; calls pass `auth`.
 */
export function serveAgentServices(
  server: LimitedRegistry,
  services: AgentServiceSet,
  limits: CacheLimits & AuditLimits & RateLimitSettings & SessionLimits,
  auth: Middleware,
  log: Logger,
): void {
  const chain = serviceChain({ auth, limits: server.callLimits });
  const options = bindOptions(server);
  const cache = serviceDefinition('CacheService');
  const cacheBound = cacheHandlers(services.cache, limits);
  server.add(cache, bindService<CacheServiceHandlers>(cache, cacheBound, chain, log, options));
  const rateLimit = serviceDefinition('RateLimitService');
  const rateLimitBound = rateLimitHandlers(services.rateLimit, limits);
  server.add(
    rateLimit,
    bindService<RateLimitServiceHandlers>(rateLimit, rateLimitBound, chain, log, options),
  );
  const audit = serviceDefinition('AuditService');
  const auditBound = auditHandlers(services.audit, limits);
  server.add(audit, bindService<AuditServiceHandlers>(audit, auditBound, chain, log, options));
  const session = serviceDefinition('SessionService');
  const sessionBound = sessionHandlers(services.session, limits);
  server.add(
    session,
    bindService<SessionServiceHandlers>(session, sessionBound, chain, log, options),
  );
  const signal = serviceDefinition('SignalService');
  const signalBound = signalHandlers(services.signal);
  server.add(signal, bindService<SignalServiceHandlers>(signal, signalBound, chain, log, options));
}
