import { metrics } from '../../metrics/metrics.js';
import { resourceExhausted } from '../../model/errors.js';
import type { CallContext, Middleware } from './types.js';

/**
 * The limits calls are counted against (MNEMO_MAX_INFLIGHT, …_PER_CONNECTION, MNEMO_MAX_STREAMS,
 * …_PER_CLIENT).
 */
export interface CallLimitSettings {
  /** Calls in flight at once, in total (streams included). */
  readonly maxInflight: number;
  /** Calls in flight at once on one client connection (`CallContext.peer`; streams included). */
  readonly maxInflightPerConnection: number;
  /** Server-streaming calls open at once, in total. */
  readonly maxStreams: number;
  /**
   * Server-streaming calls open at once for one client: one token (with a token file), else one
   * connection. No client holds every stream (nor every audit Tail connection).
   */
  readonly maxStreamsPerClient: number;
}

/** What is counted right now. */
export interface CallCounts {
  /** Calls in flight (streams included). */
  readonly inflight: number;
  /** Server-streaming calls open. */
  readonly streams: number;
  /** Client connections with at least one call in flight. */
  readonly connections: number;
}

/** When a client refused for calls in flight may retry: they are mostly short. */
export const INFLIGHT_RETRY_AFTER_MS = 250;
/** When a client refused for open streams may retry: streams last. */
export const STREAMS_RETRY_AFTER_MS = 1000;

/**
 * Admission of calls against the call limits, one instance per server (GrpcServer owns it).
 * `middleware` admits a call or refuses it RESOURCE_EXHAUSTED with `grpc-retry-pushback-ms`
 * before anything else of it runs, so nothing queues behind a limit. An admitted call holds its
 * slots until the later steps and its handler are done (for a stream: the whole stream), whether
 * it succeeds, fails, or the client cancels; they are released exactly once. A cancelled call
 * keeps its slots until its handler has stopped: work still running still counts. The counts
 * per connection are a Map whose entries are deleted at zero, so its size is bounded by the
 * calls in flight.
 */
export class CallLimits {
  private inflight = 0;
  private streams = 0;
  private readonly perConnection = new Map<string, number>();
  private readonly streamsPerClient = new Map<string, number>();

  constructor(private readonly settings: CallLimitSettings) {}

  readonly middleware: Middleware = async (context, next) => {
    const release = this.admit(context);
    try {
      return await next();
    } finally {
      release();
    }
  };

  /** The counts now (read-only; tests and operators). */
  counts(): CallCounts {
    return {
      inflight: this.inflight,
      streams: this.streams,
      connections: this.perConnection.size,
    };
  }

  /** Takes the call's slots, or throws RESOURCE_EXHAUSTED; returns the one release. */
  private admit(context: CallContext): () => void {
    const { maxInflight, maxInflightPerConnection, maxStreams, maxStreamsPerClient } =
      this.settings;
    const onConnection = this.perConnection.get(context.peer) ?? 0;
    if (this.inflight >= maxInflight) {
      throw refuse(
        'inflight',
        `the server has ${maxInflight} calls in flight, its limit; retry later`,
        INFLIGHT_RETRY_AFTER_MS,
      );
    }
    if (onConnection >= maxInflightPerConnection) {
      throw refuse(
        'inflight_per_connection',
        `this connection has ${maxInflightPerConnection} calls in flight, its limit; retry later`,
        INFLIGHT_RETRY_AFTER_MS,
      );
    }
    if (context.streaming && this.streams >= maxStreams) {
      throw refuse(
        'streams',
        `the server has ${maxStreams} streams open, its limit; retry later`,
        STREAMS_RETRY_AFTER_MS,
      );
    }
    const client = clientOf(context);
    if (context.streaming && (this.streamsPerClient.get(client) ?? 0) >= maxStreamsPerClient) {
      throw refuse(
        'streams_per_client',
        `this client has ${maxStreamsPerClient} streams open, its limit; end one first`,
        STREAMS_RETRY_AFTER_MS,
      );
    }
    this.take(context.peer, context.streaming ? client : null, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.take(context.peer, context.streaming ? client : null, -1);
    };
  }

  /** Counts a call in or out; `streamClient` is the client of a stream, null for a unary call. */
  private take(peer: string, streamClient: string | null, delta: 1 | -1): void {
    this.inflight += delta;
    metrics.callsInFlight.inc(delta);
    if (streamClient !== null) {
      this.streams += delta;
      metrics.streamsOpen.inc(delta);
      count(this.streamsPerClient, streamClient, delta);
    }
    count(this.perConnection, peer, delta);
  }
}

/** Adds `delta` to a key's count, deleting the key at zero (the map stays bounded). */
function count(counts: Map<string, number>, key: string, delta: 1 | -1): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/** Who a call's client is for the per-client stream limit: its token's name, else its connection. */
function clientOf(context: CallContext): string {
  return context.principal.name === ''
    ? `connection ${context.peer}`
    : `token ${context.principal.name}`;
}

function refuse(
  limit: 'inflight' | 'inflight_per_connection' | 'streams' | 'streams_per_client',
  message: string,
  retryAfterMs: number,
): Error {
  metrics.callsRefused.inc({ limit });
  return resourceExhausted(message, retryAfterMs, `${limit.toUpperCase()}_LIMIT`);
}
