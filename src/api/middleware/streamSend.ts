import { metrics } from '../../metrics/metrics.js';
import type { CancelSignal } from '../../model/Cancellation.js';
import { resourceExhausted } from '../../model/errors.js';

/** When a client whose stream was ended for not reading may retry. */
export const STREAM_IDLE_RETRY_AFTER_MS = 1000;

/** What a send needs of a grpc-js server stream (ServerWritableStream). */
export interface WritableCall {
  /** False when its buffers are full: wait for 'drain'. */
  write(message: unknown): boolean;
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/**
 * The `send` of a server stream (ServerStreamHandler): writes a message and resolves at once
 * while grpc-js buffers have room, else when they drain (HTTP/2 flow control: the client reads),
 * and at once after `signal` aborts (the client cancelled).
 *
 * With `idleTimeoutMs` > 0 (MNEMO_STREAM_IDLE_TIMEOUT_MS), a send that waits on drain longer than
 * that rejects RESOURCE_EXHAUSTED ("the client did not read …"), counted in
 * `mnemo_calls_refused_total{limit="stream_idle"}`, and so does every later send: the handler
 * stops, its stream ends with that status and its slots are released. Only a wait on the client
 * counts: a stream with nothing to send (a quiet tail) is never ended by it. The status reaches
 * the client after the messages already buffered, when it reads them (or never, if its
 * connection closes first); the server holds no more than those buffers meanwhile.
 */
export function streamSender(
  call: WritableCall,
  signal: CancelSignal,
  idleTimeoutMs: number,
): (message: unknown) => Promise<void> {
  let idle = false;
  const idleError = () =>
    resourceExhausted(
      `the client did not read the stream for ${idleTimeoutMs} ms (the server's limit); ` +
        'the stream is ended',
      STREAM_IDLE_RETRY_AFTER_MS,
      'STREAM_IDLE',
    );
  return (message) => {
    if (idle) return Promise.reject(idleError());
    if (signal.aborted || call.write(message)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = (): void => {
        clearTimeout(timer);
        call.off('drain', done);
        signal.removeEventListener('abort', done);
      };
      function done(): void {
        stop();
        resolve();
      }
      call.once('drain', done);
      signal.addEventListener('abort', done, { once: true });
      if (idleTimeoutMs > 0) {
        timer = setTimeout(() => {
          stop();
          idle = true;
          metrics.callsRefused.inc({ limit: 'stream_idle' });
          reject(idleError());
        }, idleTimeoutMs);
      }
    });
  };
}
