import {
  ServerInterceptingCall,
  status,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type ServerMethodDefinition,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { metrics } from '../../metrics/metrics.js';

/** The `grpc_type` label of the usual convention. */
export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

interface MethodLabels {
  grpc_type: GrpcType;
  grpc_service: string;
  grpc_method: string;
}

function grpcType(
  method: Pick<ServerMethodDefinition<unknown, unknown>, 'requestStream' | 'responseStream'>,
): GrpcType {
  if (method.requestStream) return method.responseStream ? 'bidi_stream' : 'client_stream';
  return method.responseStream ? 'server_stream' : 'unary';
}

/** Labels of a method from its path `/package.Service/Method`. */
export function methodLabels(
  method: Pick<
    ServerMethodDefinition<unknown, unknown>,
    'path' | 'requestStream' | 'responseStream'
  >,
): MethodLabels {
  const [, service = '', name = ''] = method.path.split('/');
  return { grpc_type: grpcType(method), grpc_service: service, grpc_method: name };
}

/** The name of a status code, as the convention spells it (`OK`, `INVALID_ARGUMENT`, …). */
function codeName(code: number): string {
  return (status as unknown as Record<number, string | undefined>)[code] ?? 'UNKNOWN';
}

/**
 * Creates the series of every method of a service at zero (code OK), so that dashboards show a
 * rate of 0 rather than nothing for a method not called yet.
 */
export function initializeMethodMetrics(definition: ServiceDefinition): void {
  for (const method of Object.values(definition)) {
    const labels = methodLabels(method);
    metrics.grpcStarted.inc(labels, 0);
    metrics.grpcHandled.inc({ ...labels, grpc_code: 'OK' }, 0);
  }
}

/**
 * The series of one method, resolved once (their label objects made once; prom-client 15 still
 * validates and hashes them on every inc and observe, about a microsecond each).
 */
interface MethodSeries {
  started: { inc(): void };
  seconds: { observe(value: number): void };
  handled(code: number): { inc(): void };
}

/** By path: only registered methods reach interceptors, so this holds one entry per method. */
const seriesByPath = new Map<string, MethodSeries>();

function seriesOf(
  method: Pick<
    ServerMethodDefinition<unknown, unknown>,
    'path' | 'requestStream' | 'responseStream'
  >,
): MethodSeries {
  let series = seriesByPath.get(method.path);
  if (series === undefined) {
    const labels = methodLabels(method);
    const byCode = new Map<number, { inc(): void }>();
    series = {
      started: metrics.grpcStarted.labels(labels),
      seconds: metrics.grpcHandlingSeconds.labels(labels),
      handled: (code) => {
        let child = byCode.get(code);
        if (child === undefined) {
          child = metrics.grpcHandled.labels({ ...labels, grpc_code: codeName(code) });
          byCode.set(code, child);
        }
        return child;
      },
    };
    seriesByPath.set(method.path, series);
  }
  return series;
}

function deadlinePassed(call: ServerInterceptingCallInterface): boolean {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) && ms <= Date.now();
}

/**
 * The one place gRPC server metrics are recorded: `grpc_server_started_total` on arrival, then
 * `grpc_server_handled_total` and `grpc_server_handling_seconds` once, at whichever comes first
 * of the status sent by the handler and the end of the call (a client's cancel, or a deadline
 * grpc-js enforced itself). Labels come from the registered method definition only — calls to
 * unknown methods are answered UNIMPLEMENTED by grpc-js before interceptors run — so their
 * number is bounded by the protos, whatever the traffic.
 */
export const metricsInterceptor: ServerInterceptor = (method, call) => {
  const series = seriesOf(method);
  const startedAt = performance.now();
  series.started.inc();
  let recorded = false;
  const record = (code: number): void => {
    if (recorded) return;
    recorded = true;
    series.handled(code).inc();
    series.seconds.observe((performance.now() - startedAt) / 1000);
  };
  return new ServerInterceptingCall(call, {
    start: (next) => {
      next({
        // grpc-js also signals the end of every call here, after its status: record() is once.
        onCancel: () => {
          record(deadlinePassed(call) ? status.DEADLINE_EXCEEDED : status.CANCELLED);
        },
      });
    },
    sendStatus: (sent, next) => {
      record(sent.code);
      next(sent);
    },
  });
};
