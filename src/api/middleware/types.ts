import type {
  Metadata,
  handleBidiStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { CallSignal } from '../../model/Cancellation.js';
import type { Principal } from '../../model/Principal.js';
import type { MessageStatus } from './errors.js';

/** What a handler knows of its call besides the request. */
export interface CallContext {
  /** `Service.Method`, e.g. `MemoryService.SearchEpisodic`. */
  readonly method: string;
  readonly metadata: Metadata;
  /** Absolute deadline in ms since the epoch, or Infinity. */
  readonly deadlineMs: number;
  /** Aborted when the client cancels (or grpc-js ends the call at its deadline). */
  readonly signal: CallSignal;
  /** True for a server-streaming method: the call lasts as long as its stream. */
  readonly streaming: boolean;
  /** The client's connection, as grpc-js names it (`ip:port`): one per HTTP/2 connection. */
  readonly peer: string;
  /** Who the call acts for: UNRESTRICTED until authentication (middleware/auth.ts) says. */
  readonly principal: Principal;
  /**
   * Set by authentication when the token has a request quota: takes one request of it for one
   * message of a request stream, or throws RESOURCE_EXHAUSTED (the stream itself took one).
   */
  readonly admitMessage?: () => Promise<void>;
  /**
   * Set by authentication: told of the error one message of a request stream failed with, so
   * that a PERMISSION_DENIED of a message is counted and logged as a unary call's is.
   */
  readonly messageFailed?: (error: unknown) => void;
}

export type UnaryHandler<Request, Response> = (
  request: Request,
  context: CallContext,
) => Promise<Response>;

/**
 * A server-streaming handler: sends messages with `send` (which waits while the client is slow
 * to read, resolves at once after a cancel, and rejects RESOURCE_EXHAUSTED once a wait outlasts
 * the stream idle limit: middleware/streamSend.ts) and resolves when the stream is complete.
 */
export type ServerStreamHandler<Request, Response> = (
  request: Request,
  context: CallContext,
  send: (message: Response) => Promise<void>,
) => Promise<void>;

/**
 * A bidirectional stream answered message by message (bindService reads, bounds the messages in
 * flight, writes with backpressure): each request message gets exactly one response, `answer`'s,
 * or `failed`'s when `answer` rejects — the stream goes on. The context of a message is the
 * stream's, with its deadline the sooner of the stream's and `timeoutMs(request)` ms from its
 * arrival (0: the stream's) and its signal aborted when the stream is cancelled or that time
 * passes.
 */
export interface BidiStreamHandler<Request, Response> {
  answer(request: Request, context: CallContext): Promise<Response>;
  failed(request: Request, error: MessageStatus): Response;
  timeoutMs(request: Request): number;
}

/**
 * The async handlers of a service, typed from its generated `*Handlers` interface: one per RPC,
 * with the request and response types of the protos.
 */
export type AsyncHandlers<H extends UntypedServiceImplementation> = {
  [M in keyof H as string extends M ? never : M]: H[M] extends handleBidiStreamingCall<
    infer Request,
    infer Response
  >
    ? BidiStreamHandler<Request, Response>
    : H[M] extends handleUnaryCall<infer Request, infer Response>
      ? UnaryHandler<Request, Response>
      : H[M] extends handleServerStreamingCall<infer Request, infer Response>
        ? ServerStreamHandler<Request, Response>
        : never;
};

/**
 * A step every call of a service goes through before its handler, koa-style: it may refuse the
 * call by throwing a DomainError (mapped to its status by the chain's one error mapping), or
 * observe it around `next()` (which resolves when the handler, or the whole stream, is done).
 * `next(context)` hands the later steps and the handler a derived context (e.g. with the
 * principal authentication found); `next()` passes the one it got.
 */
export type Middleware = (
  context: CallContext,
  next: (context?: CallContext) => Promise<unknown>,
) => Promise<unknown>;
