import type { Metadata, handleUnaryCall, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { statusFromError } from './statusFromError.js';

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

function deadlineOf(call: ServerUnaryCall<unknown, unknown>): number {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime();
  return Number.isFinite(deadline) ? deadline : Infinity;
}

/** Adapts an async handler to grpc-js, answering exactly once, with errors mapped to statuses. */
export function unary<Request, Response>(
  method: string,
  handler: UnaryHandler<Request, Response>,
  log: Logger,
): handleUnaryCall<Request, Response> {
  return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
    const controller = new AbortController();
    call.once('cancelled', () => controller.abort());
    const context: CallContext = {
      method,
      metadata: call.metadata,
      deadlineMs: deadlineOf(call),
      signal: controller.signal,
    };
    let promise: Promise<Response>;
    try {
      promise = handler(call.request, context);
    } catch (error) {
      promise = Promise.reject(error as Error);
    }
    promise.then(
      (response) => {
        callback(null, response);
      },
      (error: unknown) => {
        callback(statusFromError(error, log, method));
      },
    );
  };
}
