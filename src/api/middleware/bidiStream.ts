import type { Logger } from 'pino';
import { Cancellation } from '../../model/Cancellation.js';
import { DomainError } from '../../model/errors.js';
import { UndecodableRequest } from '../wire/guard.js';
import { messageStatus } from './errors.js';
import { streamSender, type WritableCall } from './streamSend.js';
import type { BidiStreamHandler, CallContext } from './types.js';

/** What serving a request stream needs of a grpc-js duplex stream (ServerDuplexStream). */
export interface DuplexCall extends WritableCall {
  on(event: 'data', listener: (message: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  off(event: 'drain' | 'end', listener: () => void): unknown;
  off(event: 'data', listener: (message: unknown) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  setMaxListeners(n: number): unknown;
}

/** How the messages of one request stream are served (BindOptions). */
export interface MessageLimits {
  /** MNEMO_STREAM_MAX_INFLIGHT: messages read and not yet answered, at most. */
  readonly maxInflight: number;
  /** MNEMO_STREAM_IDLE_TIMEOUT_MS (0: none), as streamSender honours it. */
  readonly idleTimeoutMs: number;
}

/** The error of a message whose own timeout passed before it was answered. */
function messageTimedOut(timeoutMs: number): DomainError {
  return new DomainError(
    'deadline_exceeded',
    `the message's timeout_ms (${timeoutMs}) passed before it was answered`,
  );
}

/**
 * Serves the messages of a bidirectional stream with `handler`, each answered exactly once
 * (its answer, or its own error status: the stream goes on); a message over its token's quota
 * (`context.admitMessage`) is answered RESOURCE_EXHAUSTED without running. Flow control: at
 * `limits.maxInflight` messages read and not yet written (an answer the client has not taken
 * counts), the stream is paused — HTTP/2 then holds the client's sends — until one is written.
 * Resolves once the client half-closed and every message is answered (the stream then ends OK),
 * or once the client cancelled and the messages in flight stopped (their searches are dropped
 * through the stream's signal; nothing more is written). Rejects, once the messages in flight
 * stopped, when the stream fails as a whole: a message that does not decode (INVALID_ARGUMENT
 * naming the field), a client that does not read for the idle limit (streamSend.ts).
 */
export function serveMessages(
  call: DuplexCall,
  handler: BidiStreamHandler<unknown, unknown>,
  context: CallContext,
  limits: MessageLimits,
  log: Logger,
): Promise<void> {
  // Each message waiting on drain or on the stream's cancel listens once: up to maxInflight.
  call.setMaxListeners(0);
  const { signal, method } = context;
  const send = streamSender(call, signal, limits.idleTimeoutMs);
  return new Promise<void>((resolve, reject) => {
    let inflight = 0;
    let paused = false;
    let halfClosed = false;
    let failure: { error: Error } | null = null;

    const finish = (): void => {
      if (inflight > 0 || !(halfClosed || failure !== null || signal.aborted)) return;
      call.off('data', onData);
      call.off('end', onEnd);
      signal.removeEventListener('abort', finish);
      if (failure === null) resolve();
      else reject(failure.error);
    };
    const fail = (error: unknown): void => {
      if (failure !== null) return;
      failure = { error: error instanceof Error ? error : new Error(String(error)) };
      call.pause();
      finish();
    };
    const written = (): void => {
      inflight--;
      if (paused && inflight < limits.maxInflight && failure === null) {
        paused = false;
        call.resume();
      }
      finish();
    };
    const onSendFailed = (error: unknown): void => {
      fail(error);
      written();
    };
    const deliver = (response: unknown): void => {
      if (failure !== null || signal.aborted) written();
      else send(response).then(written, onSendFailed);
    };
    const answer = async (request: unknown): Promise<unknown> => {
      try {
        if (context.admitMessage !== undefined) await context.admitMessage();
        const timeoutMs = handler.timeoutMs(request);
        return await (timeoutMs > 0
          ? answerWithin(handler, request, context, timeoutMs)
          : handler.answer(request, context));
      } catch (error) {
        context.messageFailed?.(error);
        return handler.failed(request, messageStatus(error, log, method));
      }
    };
    function onData(request: unknown): void {
      if (failure !== null) return;
      if (request instanceof UndecodableRequest) {
        fail(request.error);
        return;
      }
      inflight++;
      if (inflight >= limits.maxInflight && !paused) {
        paused = true;
        call.pause();
      }
      void answer(request).then(deliver);
    }
    function onEnd(): void {
      halfClosed = true;
      finish();
    }
    call.on('data', onData);
    call.on('end', onEnd);
    signal.addEventListener('abort', finish, { once: true });
  });
}

/**
 * `handler.answer` of a message with its own timeout: its context's deadline is the sooner of
 * the stream's and `timeoutMs` from now, its signal aborts with the stream's or at that time,
 * when it rejects DEADLINE_EXCEEDED whether or not its search has returned (the pipeline drops
 * a search whose every caller aborted).
 */
function answerWithin(
  handler: BidiStreamHandler<unknown, unknown>,
  request: unknown,
  context: CallContext,
  timeoutMs: number,
): Promise<unknown> {
  const cancellation = new Cancellation();
  const deadlineMs = Math.min(context.deadlineMs, Date.now() + timeoutMs);
  const onStreamAbort = (): void => {
    cancellation.abort(context.signal.reason);
  };
  context.signal.addEventListener('abort', onStreamAbort);
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(messageTimedOut(timeoutMs));
        cancellation.abort(messageTimedOut(timeoutMs));
      },
      Math.max(0, deadlineMs - Date.now()),
    );
    handler
      .answer(request, { ...context, deadlineMs, signal: cancellation })
      .then(resolve, reject)
      .finally(() => {
        clearTimeout(timer);
        context.signal.removeEventListener('abort', onStreamAbort);
      });
  });
}
