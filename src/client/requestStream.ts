import { status, type ClientDuplexStream } from '@grpc/grpc-js';
import { MnemoError, messageError, toMnemoError } from './errors.js';
import type { RpcStatusObject } from './statusDetails.js';
import { encodeVectors, type WithVectors } from './vectors.js';

/**
 * A search stream (MemoryService.SearchEpisodicStream, …) as request/response pairs: `send`
 * resolves the response to its request, whatever order the server answers in.
 */
export interface RequestStream<Req, Res> {
  /**
   * Sends one request and resolves its response; rejects with a MnemoError when the server
   * answered this request with an error (the stream goes on), or when the stream failed, was
   * cancelled or ended first. The request gets a `request_id` of the stream's own unless it
   * carries one (then it must be unique among the requests in flight).
   */
  send(request: WithVectors<Req>): Promise<Res>;
  /** Half-closes the stream: resolves once every response came and the server ended it OK. */
  end(): Promise<void>;
  /** Cancels the stream: the server stops its work; every pending send rejects CANCELLED. */
  cancel(): void;
  /** Requests sent and not yet answered. */
  readonly pending: number;
  /** False once the stream failed, was cancelled or half-closed: every further send rejects. */
  readonly open: boolean;
}

interface Waiter {
  resolve: (response: unknown) => void;
  reject: (error: MnemoError) => void;
}

/** What each response of a search stream carries besides its result. */
interface Tagged {
  request_id?: number | string;
  error?: RpcStatusObject | null;
}

/**
 * The RequestStream over a started grpc-js bidirectional call; `signal` aborting cancels it.
 * Writes are not awaited: grpc-js buffers them and the server's flow control paces the client
 * (a caller with many requests in flight should bound them, e.g. by awaiting some sends).
 */
export function requestStream(
  call: ClientDuplexStream<unknown, unknown>,
  signal?: AbortSignal,
): RequestStream<unknown, unknown> {
  const waiters = new Map<number, Waiter>();
  let nextId = 1;
  let failure: MnemoError | null = null;
  let cancelled = false;
  let ended = false;
  const failAll = (error: MnemoError): void => {
    failure ??= error;
    for (const waiter of waiters.values()) waiter.reject(error);
    waiters.clear();
  };
  const closed = new Promise<void>((resolve, reject) => {
    call.on('data', (response: Tagged) => {
      const id = Number(response.request_id ?? 0);
      const waiter = waiters.get(id);
      if (waiter === undefined) return;
      waiters.delete(id);
      if (response.error) waiter.reject(messageError(response.error));
      else waiter.resolve(response);
    });
    call.on('error', (error: unknown) => {
      const failed = toMnemoError(error);
      failAll(failed);
      if (cancelled && failed.code === (status.CANCELLED as number)) resolve();
      else reject(failed);
    });
    call.on('end', () => {
      failAll(new MnemoError(status.INTERNAL, 'the stream ended before answering every request'));
      resolve();
    });
  });
  // end() reports a failure; a caller that never ends must not see it unhandled.
  closed.catch(() => undefined);
  const cancel = (): void => {
    cancelled = true;
    failAll(new MnemoError(status.CANCELLED, 'the stream was cancelled'));
    call.cancel();
  };
  signal?.addEventListener('abort', cancel, { once: true });
  return {
    send(request) {
      if (failure !== null) return Promise.reject(failure);
      const encoded = encodeVectors(request as never) as Tagged & Record<string, unknown>;
      let id = Number(encoded.request_id ?? 0);
      if (id === 0) {
        while (waiters.has(nextId)) nextId++;
        id = nextId++;
      }
      return new Promise((resolve, reject) => {
        waiters.set(id, { resolve, reject });
        call.write({ ...encoded, request_id: id });
      });
    },
    end() {
      ended = true;
      call.end();
      return closed;
    },
    cancel,
    get pending() {
      return waiters.size;
    },
    get open() {
      return failure === null && !ended;
    },
  };
}
