import {
  Metadata,
  status,
  type CallOptions as GrpcCallOptions,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
} from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { toMnemoError } from './errors.js';
import { requestStream, type RequestStream } from './requestStream.js';
import { encodeVectors, type WithVectors } from './vectors.js';

/** Per-call settings. */
export interface CallOptions {
  /** The call's deadline in ms from now (unary default: the client's timeoutMs; streams: none). */
  timeoutMs?: number;
  /** Aborting it cancels the call (CANCELLED). */
  signal?: AbortSignal;
  /** Further metadata sent with the call. */
  metadata?: Readonly<Record<string, string>>;
}

/** A server stream's messages, as an async iterable; `cancel()` ends it (the loop ends quietly). */
export interface MessageStream<T> extends AsyncIterable<T> {
  cancel(): void;
}

/** A loaded method: its definition (serializers) as proto-loader gives it. */
type Loaded = MethodDefinition<unknown, unknown>;

type Method<Req, ResOut, Kind> = Kind extends 'bidi'
  ? (options?: CallOptions) => RequestStream<Req, ResOut>
  : Kind extends 'server'
    ? (request: WithVectors<Req>, options?: CallOptions) => MessageStream<ResOut>
    : (request: WithVectors<Req>, options?: CallOptions) => Promise<ResOut>;

/**
 * The typed methods of one service, from its generated definition `D` and client `C`: each RPC
 * in lower camel case (`SearchEpisodic` → `searchEpisodic`), taking the request (vectors also as
 * Float32Array or number[]) and resolving the response, or, for a server stream, iterating it;
 * a search stream (`searchEpisodicStream(options)`) is a RequestStream: `send(request)` resolves
 * that request's response.
 */
export type ServiceApi<D, C> = {
  [M in RpcName<D> as Uncapitalize<M>]: D[M] extends MethodDefinition<
    infer Req,
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- only the request and response are needed
    infer _Res,
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    infer _ReqOut,
    infer ResOut
  >
    ? Method<Req, ResOut, StreamKind<C, M>>
    : never;
};

/** The RPC names of a generated definition (not its string index signature). */
type RpcName<D> = keyof { [K in keyof D as string extends K ? never : K]: D[K] } & string;

/** Whether the generated client's method `M` returns a bidirectional or a server stream. */
type StreamKind<C, M> = M extends keyof C
  ? C[M] extends (...args: never[]) => ClientDuplexStream<never, unknown>
    ? 'bidi'
    : C[M] extends (...args: never[]) => ClientReadableStream<unknown>
      ? 'server'
      : 'unary'
  : 'unary';

/** What every call needs: the client, defaults and metadata of the token. */
export interface CallContext {
  readonly client: Client;
  readonly timeoutMs: number;
  readonly metadata: Readonly<Record<string, string>>;
}

function metadataOf(context: CallContext, options: CallOptions): Metadata {
  const metadata = new Metadata();
  // The call's own entries last: they replace the client's.
  for (const key in context.metadata) metadata.set(key, context.metadata[key] ?? '');
  for (const key in options.metadata) metadata.set(key, options.metadata[key] ?? '');
  return metadata;
}

function grpcOptions(timeoutMs: number | undefined): GrpcCallOptions {
  return timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs };
}

/** Completes a request before it is sent (e.g. gives an upsert its request_id). */
export type Prepare = (request: Record<string, unknown>) => Record<string, unknown>;

function unary(context: CallContext, path: string, method: Loaded, prepare: Prepare | undefined) {
  return (request: unknown, options: CallOptions = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const encoded = encodeVectors(request as never) as Record<string, unknown>;
      const call = context.client.makeUnaryRequest(
        path,
        method.requestSerialize,
        method.responseDeserialize,
        prepare === undefined ? encoded : prepare(encoded),
        metadataOf(context, options),
        grpcOptions(options.timeoutMs ?? context.timeoutMs),
        (error, response) => {
          if (error) reject(toMnemoError(error));
          else resolve(response);
        },
      );
      options.signal?.addEventListener(
        'abort',
        () => {
          call.cancel();
        },
        { once: true },
      );
    });
}

function serverStream(context: CallContext, path: string, method: Loaded) {
  return (request: unknown, options: CallOptions = {}): MessageStream<unknown> => {
    const call = context.client.makeServerStreamRequest(
      path,
      method.requestSerialize,
      method.responseDeserialize,
      encodeVectors(request as never),
      metadataOf(context, options),
      grpcOptions(options.timeoutMs),
    );
    let cancelled = false;
    const cancel = (): void => {
      cancelled = true;
      call.cancel();
    };
    options.signal?.addEventListener('abort', cancel, { once: true });
    return {
      cancel,
      async *[Symbol.asyncIterator]() {
        try {
          for await (const message of call) yield message;
        } catch (error) {
          const failure = toMnemoError(error);
          if (cancelled && failure.code === (status.CANCELLED as number)) return;
          throw failure;
        } finally {
          call.cancel();
        }
      },
    };
  };
}

function bidiStream(context: CallContext, path: string, method: Loaded) {
  return (options: CallOptions = {}): RequestStream<unknown, unknown> =>
    requestStream(
      context.client.makeBidiStreamRequest(
        path,
        method.requestSerialize,
        method.responseDeserialize,
        metadataOf(context, options),
        grpcOptions(options.timeoutMs),
      ),
      options.signal,
    );
}

/** The typed methods of a service over `context.client`; `prepare` completes some requests. */
export function serviceApi<D, C>(
  definition: Record<string, Loaded>,
  context: CallContext,
  prepare: Readonly<Record<string, Prepare>> = {},
): ServiceApi<D, C> {
  const api: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    const key = name.charAt(0).toLowerCase() + name.slice(1);
    if (!method.requestStream && !method.responseStream) {
      api[key] = unary(context, method.path, method, prepare[name]);
    } else if (!method.requestStream) {
      api[key] = serverStream(context, method.path, method);
    } else if (method.responseStream) {
      api[key] = bidiStream(context, method.path, method);
    } else {
      // Fails loud the day the contract gains a client stream this client lacks.
      throw new Error(`${method.path}: client streams are not supported by this client`);
    }
  }
  return api as ServiceApi<D, C>;
}
