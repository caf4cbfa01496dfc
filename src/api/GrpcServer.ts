import {
  Server,
  ServerCredentials,
  type ChannelOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Config } from '../config/config.js';
import { widenHttp2Windows } from './http2Windows.js';
import { EDGE_INTERCEPTORS } from './middleware/chain.js';
import { CallLimits } from './middleware/limits.js';
import { initializeMethodMetrics } from './middleware/metrics.js';

/** The largest answer the server sends; requests that could need more are refused up front. */
export const MAX_SEND_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Server options, chosen deliberately (see docs/operations.md, for what clients should set);
 * the largest request, `grpc.max_receive_message_length`, is MNEMO_MAX_MESSAGE_BYTES (serverOptions).
 * These are all grpc-js servers honour of the kind: grpc-js has no ping-strike policy (it answers
 * a client's keepalive pings at any rate, with or without calls), so the C-core options
 * `grpc.keepalive_permit_without_calls` and `grpc.http2.min_ping_interval_without_data_ms`
 * would be silently ignored and are not set.
 */
export const SERVER_OPTIONS: ChannelOptions = {
  // Answers are larger (k hits with vectors, batch searches); clients must accept as much.
  'grpc.max_send_message_length': MAX_SEND_MESSAGE_BYTES,
  // Calls in flight on one HTTP/2 connection: an agent multiplexes everything on one channel.
  // Beyond it a client's calls wait in the client; MNEMO_MAX_INFLIGHT_PER_CONNECTION (at most
  // this) refuses calls of the mnemo services earlier, with RESOURCE_EXHAUSTED.
  'grpc.max_concurrent_streams': 1000,
  // A ping every 60 s on each connection, which is dropped if one is not answered in 20 s: a
  // vanished peer (crashed host, dropped NAT entry) frees its calls and audit Tails.
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
};

/** The settings the gRPC edge reads. */
export type ServerLimits = Pick<
  Config,
  | 'maxMessageBytes'
  | 'maxInflight'
  | 'maxInflightPerConnection'
  | 'maxStreams'
  | 'maxStreamsPerClient'
  | 'streamIdleTimeoutMs'
  | 'streamMaxInflight'
  | 'http2WindowBytes'
>;

/**
 * The options a server is created with: SERVER_OPTIONS, and a request larger than
 * `maxMessageBytes` answered RESOURCE_EXHAUSTED by grpc-js before it is decoded.
 */
export function serverOptions(limits: Pick<ServerLimits, 'maxMessageBytes'>): ChannelOptions {
  return { ...SERVER_OPTIONS, 'grpc.max_receive_message_length': limits.maxMessageBytes };
}

/**
 * The gRPC edge: services registered before start, bound to one address. It owns the call limits
 * every call of the mnemo services counts against (services.ts puts them in their chains).
 */
export class GrpcServer {
  readonly callLimits: CallLimits;
  /** MNEMO_STREAM_IDLE_TIMEOUT_MS, for the services' streams (services.ts; 0 = no limit). */
  readonly streamIdleTimeoutMs: number;
  /** MNEMO_STREAM_MAX_INFLIGHT: messages of one request stream read but not yet answered. */
  readonly streamMaxInflight: number;
  private readonly server: Server;
  private boundPort = 0;

  constructor(limits: ServerLimits) {
    this.callLimits = new CallLimits(limits);
    this.streamIdleTimeoutMs = limits.streamIdleTimeoutMs;
    this.streamMaxInflight = limits.streamMaxInflight;
    // The edge's interceptors (metrics) see every call of every service (middleware/chain.ts).
    this.server = new Server({ ...serverOptions(limits), interceptors: [...EDGE_INTERCEPTORS] });
    widenHttp2Windows(this.server, limits.http2WindowBytes);
  }

  add(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void {
    this.server.addService(definition, implementation);
    initializeMethodMetrics(definition);
  }

  /**
   * Binds and serves with `credentials` (default: plaintext); returns the bound port (useful
   * with port 0).
   */
  async listen(
    address: string,
    credentials: ServerCredentials = ServerCredentials.createInsecure(),
  ): Promise<number> {
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, credentials, (error, port) => {
        if (error) reject(error);
        else resolve(port);
      });
    });
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Stops accepting calls, lets calls in flight finish up to graceMs, then cancels the rest. */
  async stop(graceMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
