import { setMaxListeners } from 'node:events';
import type {
  Metadata,
  handleServerStreamingCall,
  handleUnaryCall,
  sendUnaryData,
  ServerUnaryCall,
  ServerWritableStream,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { statusFromError } from './errors.js';

/** What a handler knows of its call besides the request. */
export interface CallContext {
  readonly method: string;
  readonly metadata: Metadata;
  /** Absolute deadline in ms since the epoch, or Infinity. */
  readonly deadlineMs: number;
  /** Aborted when the client cancels. */
  readonly signal: AbortSignal;
}

export type UnaryHandler<Request, Response> = (
  request: Request,
  context: CallContext,
) => Promise<Response>;

function deadlineOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline'>): number {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime();
  return Number.isFinite(deadline) ? deadline : Infinity;
}

/** The reason of every cancelled call's signal (one object: no DOMException and stack per call). */
const CANCELLED_BY_CLIENT = Object.freeze(new Error('the client cancelled the call'));

/**
 * The context of a call, with the controller aborted when the client cancels before the call is
 * answered; `answered` stops listening (grpc-js also reports the stream's close as a cancel).
 */
function callContext(
  method: string,
  call: Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'metadata' | 'once' | 'off'>,
): { context: CallContext; controller: AbortController; answered: () => void } {
  const controller = new AbortController();
  // Every search of a batch call listens to this one signal.
  setMaxListeners(0, controller.signal);
  const onCancel = (): void => {
    controller.abort(CANCELLED_BY_CLIENT);
  };
  call.once('cancelled', onCancel);
  const context: CallContext = {
    method,
    metadata: call.metadata,
    deadlineMs: deadlineOf(call),
    signal: controller.signal,
  };
  return { context, controller, answered: () => call.off('cancelled', onCancel) };
}

/** Adapts an async handler to grpc-js, answering exactly once, with errors mapped to statuses. */
export function unary<Request, Response>(
  method: string,
  handler: UnaryHandler<Request, Response>,
  log: Logger,
): handleUnaryCall<Request, Response> {
  return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
    const { context, answered } = callContext(method, call);
    // Through a promise so that a handler throwing synchronously is answered like a rejection.
    Promise.resolve(call.request)
      .then((request) => handler(request, context))
      .then(
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
 * A server-streaming handler: sends messages with `send` (which waits while the client is slow
 * to read, and resolves at once after a cancel) and resolves when the stream is complete.
 */
export type ServerStreamHandler<Request, Response> = (
  request: Request,
  context: CallContext,
  send: (message: Response) => Promise<void>,
) => Promise<void>;

/**
 * Adapts an async server-streaming handler to grpc-js: the stream ends OK when the handler
 * resolves, with the mapped status when it rejects, and not at all once the client cancelled.
 */
export function serverStream<Request, Response>(
  method: string,
  handler: ServerStreamHandler<Request, Response>,
  log: Logger,
): handleServerStreamingCall<Request, Response> {
  return (call: ServerWritableStream<Request, Response>) => {
    const { context, controller, answered } = callContext(method, call);
    const send = (message: Response): Promise<void> => {
      if (controller.signal.aborted || call.write(message)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          call.off('drain', done);
          controller.signal.removeEventListener('abort', done);
          resolve();
        };
        call.once('drain', done);
        controller.signal.addEventListener('abort', done, { once: true });
      });
    };
    // Through a promise so that a handler throwing synchronously is answered like a rejection.
    Promise.resolve(call.request)
      .then((request) => handler(request, context, send))
      .then(
        () => {
          answered();
          if (!controller.signal.aborted) call.end();
        },
        (error: unknown) => {
          answered();
          if (!controller.signal.aborted) call.emit('error', statusFromError(error, log, method));
        },
      );
  };
}
