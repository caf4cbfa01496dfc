import {
  Metadata,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';

/** Why calls are refused right now, or null when they are let through. */
export type Refusal = () => { message: string; retryAfterMs: number } | null;

/**
 * Wraps every handler of a service so that, while `refusal` says so (e.g. while the index is
 * rebuilt at start), calls are answered UNAVAILABLE with that message and a retry pushback, and
 * never reach the handler — no wrong answers from a half-built index.
 */
export function gated(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  refusal: Refusal,
): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name];
    if (method === undefined) {
      wrapped[name] = handler;
      continue;
    }
    const refuse = (): { code: status; details: string; metadata: Metadata } | null => {
      const refused = refusal();
      if (refused === null) return null;
      const metadata = new Metadata();
      metadata.set('grpc-retry-pushback-ms', String(Math.max(0, Math.round(refused.retryAfterMs))));
      return { code: status.UNAVAILABLE, details: refused.message, metadata };
    };
    if (!method.requestStream && !method.responseStream) {
      const unary = handler as (
        call: ServerUnaryCall<unknown, unknown>,
        cb: sendUnaryData<unknown>,
      ) => void;
      wrapped[name] = ((
        call: ServerUnaryCall<unknown, unknown>,
        callback: sendUnaryData<unknown>,
      ) => {
        const refused = refuse();
        if (refused === null) unary(call, callback);
        else callback(refused);
      }) as UntypedHandleCall;
    } else {
      const streaming = handler as (call: NodeJS.EventEmitter) => void;
      wrapped[name] = ((call: NodeJS.EventEmitter) => {
        const refused = refuse();
        if (refused === null) streaming(call);
        else call.emit('error', refused);
      }) as UntypedHandleCall;
    }
  }
  return wrapped;
}
