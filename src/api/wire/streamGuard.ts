import {
  ServerInterceptingCall,
  status,
  type ServerInterceptor,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { invalidArgument } from '../../model/errors.js';
import { UndecodableRequest } from './guard.js';

/**
 * A service not served through bindService (server reflection, whose handlers take the stream)
 * with every request deserializer made total: bytes that do not decode become an
 * UndecodableRequest instead of an exception, which grpc-js would answer INTERNAL. The
 * undecodableInterceptor then answers them INVALID_ARGUMENT.
 */
export function decodeTotally(definition: ServiceDefinition): ServiceDefinition {
  const total: Record<string, ServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(definition)) {
    const decode = method.requestDeserialize;
    total[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return decode(bytes);
        } catch {
          return new UndecodableRequest(
            invalidArgument('request', `is not a valid request of ${method.path}`),
          );
        }
      },
    };
  }
  return total;
}

/**
 * On methods that stream requests (reflection; bindService's bidirectional streams, e.g.
 * MemoryService.SearchEpisodicStream, whose guarded deserializer names the field), a request
 * message that did not decode ends the call INVALID_ARGUMENT and never reaches the handler.
 */
export const undecodableInterceptor: ServerInterceptor = (method, call) => {
  if (!method.requestStream) return new ServerInterceptingCall(call);
  return new ServerInterceptingCall(call, {
    start: (next) => {
      next({
        onReceiveMessage: (message: unknown, forward: (message: unknown) => void) => {
          if (message instanceof UndecodableRequest) {
            call.sendStatus({ code: status.INVALID_ARGUMENT, details: message.error.message });
            return;
          }
          forward(message);
        },
      });
    },
  });
};
