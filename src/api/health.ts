import type {
  handleServerStreamingCall,
  handleUnaryCall,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import type { CancelSignal } from '../model/Cancellation.js';
import { DomainError, quote, unavailable } from '../model/errors.js';
import { bindService } from './middleware/adapter.js';
import { OPEN_CHAIN } from './middleware/chain.js';
import { PROTO_OPTIONS } from './protos.js';
import { guardedService } from './wire/guard.js';

/** What a service can be set to. */
export type ServingStatus = 'SERVING' | 'NOT_SERVING';

/** The statuses on the wire (grpc.health.v1.HealthCheckResponse.ServingStatus). */
type WireStatus = ServingStatus | 'UNKNOWN' | 'SERVICE_UNKNOWN';

interface HealthCheckRequest {
  service: string;
}

interface HealthCheckResponse {
  status: WireStatus;
}

/** grpc.health.v1.Health, as the generated `*Handlers` of our own services type them. */
interface HealthHandlers extends UntypedServiceImplementation {
  Check: handleUnaryCall<HealthCheckRequest, HealthCheckResponse>;
  Watch: handleServerStreamingCall<HealthCheckRequest, HealthCheckResponse>;
  List: handleUnaryCall<unknown, { statuses: Record<string, HealthCheckResponse> }>;
}

let cached: PackageDefinition | undefined;

/** grpc.health.v1 from the health.proto grpc-health-check ships (reflection serves it too). */
export function healthPackageDefinition(): PackageDefinition {
  cached ??= loadSync(protoPath, PROTO_OPTIONS);
  return cached;
}

/** grpc.health.v1.Health as served, its requests guarded like ours (wire/guard.ts). */
function healthDefinition(): ServiceDefinition {
  return guardedService(healthPackageDefinition(), 'grpc.health.v1.Health');
}

/** Where a service is registered (GrpcServer.add has this shape). */
export interface ServiceRegistry {
  add(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void;
}

/**
 * The standard gRPC health service, grpc.health.v1.Health: `Check`, `Watch` and `List` for the
 * server as a whole (service "") and for each service named at construction; any other name is
 * NOT_FOUND (Check) or SERVICE_UNKNOWN (Watch). Statuses start NOT_SERVING and are set by
 * whoever knows (src/app/Readiness.ts). A Watch receives the current status at once and then
 * every change; `close` (shutdown) sends the last status and ends every Watch with UNAVAILABLE,
 * so that watches do not hold the server's graceful stop until its grace runs out.
 */
export class HealthService {
  private readonly statuses = new Map<string, ServingStatus>();
  private wakers = new Set<() => void>();
  private closed = false;

  constructor(services: readonly string[]) {
    for (const service of ['', ...services]) {
      this.statuses.set(service, 'NOT_SERVING');
      metrics.healthStatus.set({ service }, 0);
    }
  }

  /** The status of a known service, undefined for an unknown one. */
  status(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /** Sets the status of a known service; watchers hear of changes only. */
  set(service: string, status: ServingStatus): void {
    const current = this.statuses.get(service);
    if (current === undefined) throw new Error(`health: unknown service "${service}"`);
    if (current === status) return;
    this.statuses.set(service, status);
    metrics.healthStatus.set({ service }, status === 'SERVING' ? 1 : 0);
    this.wake();
  }

  /** Ends every Watch (after its last status) with UNAVAILABLE, and every later one at once. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  register(server: ServiceRegistry, log: Logger): void {
    const definition = healthDefinition();
    const handlers = bindService<HealthHandlers>(
      definition,
      {
        Check: (request) => {
          const status = this.statuses.get(request.service);
          if (status === undefined) {
            throw new DomainError('not_found', `unknown service ${quote(request.service)}`);
          }
          return Promise.resolve({ status });
        },
        Watch: async (request, context, send) => {
          let sent: WireStatus | null = null;
          while (!context.signal.aborted) {
            // Taken before sending, so that a change made while a send waits is not missed.
            const changed = this.nextChange(context.signal);
            const status = this.statuses.get(request.service) ?? 'SERVICE_UNKNOWN';
            if (status !== sent) {
              await send({ status });
              sent = status;
            }
            if (this.closed) {
              throw unavailable('the server is shutting down: watch another instance');
            }
            await changed;
          }
        },
        List: () =>
          Promise.resolve({
            statuses: Object.fromEntries(
              [...this.statuses].map(([service, status]) => [service, { status }]),
            ),
          }),
      },
      OPEN_CHAIN,
      log,
    );
    server.add(definition, handlers);
  }

  /** Resolves at the next change of any status, at close, or when the signal aborts. */
  private nextChange(signal: CancelSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.wakers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = new Set();
    for (const wake of wakers) wake();
  }
}
