import type {
  sendUnaryData,
  ServerDuplexStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { UndecodableRequest, isGuarded } from '../wire/guard.js';
import { Cancellation } from '../../model/Cancellation.js';
import { UNRESTRICTED } from '../../model/Principal.js';
import { statusFromError } from './errors.js';
import { serveMessages } from './bidiStream.js';
import { streamSender } from './streamSend.js';
import type {
  AsyncHandlers,
  BidiStreamHandler,
  CallContext,
  Middleware,
  ServerStreamHandler,
  UnaryHandler,
} from './types.js';

/** How bindService serves its calls. */
export interface BindOptions {
  /**
   * MNEMO_STREAM_IDLE_TIMEOUT_MS: longest a stream's send may wait for its client to read before
   * the stream is ended RESOURCE_EXHAUSTED; absent or 0: no limit.
   */
  readonly streamIdleTimeoutMs?: number;
  /**
   * MNEMO_STREAM_MAX_INFLIGHT: messages of one bidirectional stream read and not yet answered;
   * absent: DEFAULT_STREAM_MAX_INFLIGHT.
   */
  readonly streamMaxInflight?: number;
}

/** Messages of a bidirectional stream in flight when BindOptions do not say. */
export const DEFAULT_STREAM_MAX_INFLIGHT = 64;

/**
 * Binds a service's async handlers to grpc-js: every call runs through `middleware` in order,
 * then its handler, and is answered exactly once; a rejection anywhere becomes a status through
 * the one error mapping (statusFromError). Unary, server-streaming and bidirectional methods are
 * supported; a bidirectional stream runs the middleware once, then answers each of its messages
 * (bidiStream.ts: flow-controlled, one answer or error status per message).
 * The definition must be guarded (wire/guard.ts, as served by protos.ts and health.ts): a request
 * whose bytes are not a valid message is answered INVALID_ARGUMENT before any middleware runs.
 * A stream whose client does not read for `options.streamIdleTimeoutMs` is ended
 * RESOURCE_EXHAUSTED (streamSend.ts; absent or 0: never).
 */
export function bindService<H extends UntypedServiceImplementation>(
  definition: ServiceDefinition,
  handlers: AsyncHandlers<H>,
  middleware: readonly Middleware[],
  log: Logger,
  options: BindOptions = {},
): H {
  const bound: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries<unknown>(handlers)) {
    const method = definition[name];
    if (method === undefined) throw new Error(`bindService: no method ${name} in the definition`);
    if (method.requestStream && !method.responseStream) {
      throw new Error(`bindService: ${name} is a client stream`);
    }
    if (!isGuarded(method)) throw new Error(`bindService: ${name} has an unguarded deserializer`);
    const [, service = '', rpc = ''] = method.path.split('/');
    const label = `${service.split('.').pop() ?? service}.${rpc}`;
    if (method.requestStream) {
      bound[name] = bidiStream(
        label,
        handler as BidiStreamHandler<unknown, unknown>,
        middleware,
        log,
        options,
      );
      continue;
    }
    bound[name] = method.responseStream
      ? serverStream(
          label,
          handler as ServerStreamHandler<unknown, unknown>,
          middleware,
          log,
          options,
        )
      : unary(label, handler as UnaryHandler<unknown, unknown>, middleware, log);
  }
  return bound as H;
}

function deadlineOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline'>): number {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime();
  return Number.isFinite(deadline) ? deadline : Infinity;
}

/** The reason of every cancelled call's signal (one object: no DOMException and stack per call). */
const CANCELLED_BY_CLIENT = Object.freeze(new Error('the client cancelled the call'));

/**
 * The context of a call, with its cancellation aborted when the client cancels before the call is
 * answered; `answered` stops listening (grpc-js also reports the stream's close as a cancel).
 */
function callContext(
  method: string,
  streaming: boolean,
  call: Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'getPeer' | 'metadata'> & {
    once(event: 'cancelled', listener: () => void): unknown;
    off(event: 'cancelled', listener: () => void): unknown;
  },
): { context: CallContext; cancellation: Cancellation; answered: () => void } {
  const cancellation = new Cancellation();
  const onCancel = (): void => {
    cancellation.abort(CANCELLED_BY_CLIENT);
  };
  call.once('cancelled', onCancel);
  const context: CallContext = {
    method,
    metadata: call.metadata,
    deadlineMs: deadlineOf(call),
    signal: cancellation,
    streaming,
    peer: call.getPeer(),
    principal: UNRESTRICTED,
  };
  return { context, cancellation, answered: () => call.off('cancelled', onCancel) };
}

/** Runs the middleware in order, then `last` with the context the last step passed on. */
function runChain(
  middleware: readonly Middleware[],
  context: CallContext,
  last: (context: CallContext) => Promise<unknown>,
): Promise<unknown> {
  const step = (i: number, current: CallContext): Promise<unknown> => {
    const next = middleware[i];
    return next === undefined
      ? last(current)
      : next(current, (derived = current) => step(i + 1, derived));
  };
  // Through a promise so that a step throwing synchronously is answered like a rejection.
  return Promise.resolve().then(() => step(0, context));
}

function unary(
  method: string,
  handler: UnaryHandler<unknown, unknown>,
  middleware: readonly Middleware[],
  log: Logger,
): UntypedHandleCall {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    if (call.request instanceof UndecodableRequest) {
      callback(statusFromError(call.request.error, log, method));
      return;
    }
    const { context, answered } = callContext(method, false, call);
    runChain(middleware, context, (derived) => handler(call.request, derived)).then(
      (response) => {
        answered();
        callback(null, response);
      },
      (error: unknown) => {
        answered();
        callback(statusFromError(error, log, method));
      },
    );
  };
}

/**
 * The stream ends OK when the handler resolves, with the mapped status when it rejects, and not
 * at all once the client cancelled.
 */
function serverStream(
  method: string,
  handler: ServerStreamHandler<unknown, unknown>,
  middleware: readonly Middleware[],
  log: Logger,
  options: BindOptions,
): UntypedHandleCall {
  return (call: ServerWritableStream<unknown, unknown>) => {
    if (call.request instanceof UndecodableRequest) {
      call.emit('error', statusFromError(call.request.error, log, method));
      return;
    }
    const { context, cancellation, answered } = callContext(method, true, call);
    const send = streamSender(call, cancellation, options.streamIdleTimeoutMs ?? 0);
    runChain(middleware, context, (derived) => handler(call.request, derived, send)).then(
      () => {
        answered();
        if (!cancellation.aborted) call.end();
      },
      (error: unknown) => {
        answered();
        if (!cancellation.aborted) call.emit('error', statusFromError(error, log, method));
      },
    );
  };
}

/**
 * A bidirectional stream: the middleware runs once for the whole stream (its slots, its token's
 * scope), then serveMessages answers every message; the stream ends OK once the client
 * half-closed and everything is answered, with the mapped status when it fails as a whole, and
 * not at all once the client cancelled.
 */
function bidiStream(
  method: string,
  handler: BidiStreamHandler<unknown, unknown>,
  middleware: readonly Middleware[],
  log: Logger,
  options: BindOptions,
): UntypedHandleCall {
  const limits = {
    maxInflight: options.streamMaxInflight ?? DEFAULT_STREAM_MAX_INFLIGHT,
    idleTimeoutMs: options.streamIdleTimeoutMs ?? 0,
  };
  return (call: ServerDuplexStream<unknown, unknown>) => {
    const { context, cancellation, answered } = callContext(method, true, call);
    // Nothing is read before the middleware admitted the stream.
    call.pause();
    runChain(middleware, context, (derived) => {
      const served = serveMessages(call, handler, derived, limits, log);
      call.resume();
      return served;
    }).then(
      () => {
        answered();
        if (!cancellation.aborted) call.end();
      },
      (error: unknown) => {
        answered();
        if (!cancellation.aborted) call.emit('error', statusFromError(error, log, method));
      },
    );
  };
}
