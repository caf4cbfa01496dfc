import {
  Client,
  credentials,
  type ChannelCredentials,
  type ChannelOptions,
  type MethodDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import type { AuditServiceAppendRequest } from '../../src/generated/mnemo/v1/AuditServiceAppendRequest.js';
import type { AuditServiceAppendResponse__Output } from '../../src/generated/mnemo/v1/AuditServiceAppendResponse.js';
import type { RateLimitServiceAcquireRequest } from '../../src/generated/mnemo/v1/RateLimitServiceAcquireRequest.js';
import type { RateLimitServiceAcquireResponse__Output } from '../../src/generated/mnemo/v1/RateLimitServiceAcquireResponse.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse__Output } from '../../src/generated/mnemo/v1/SearchEpisodicResponse.js';
import type { UpsertEpisodicRequest } from '../../src/generated/mnemo/v1/UpsertEpisodicRequest.js';
import type { UpsertEpisodicResponse__Output } from '../../src/generated/mnemo/v1/UpsertEpisodicResponse.js';
import { healthMethod, mnemoMethod } from './protos.js';
import { RawChannel } from './rawChannel.js';
import { StreamCaller } from './streamCaller.js';

/** grpc.health.v1 HealthCheckRequest / HealthCheckResponse (enums as strings). */
export interface HealthCheckRequest {
  service: string;
}
export interface HealthCheckResponse {
  status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
}

/** The RPCs the harness calls, with the protobuf (de)serializers of the real contract. */
export const RPC = {
  search: mnemoMethod<SearchEpisodicRequest, SearchEpisodicResponse__Output>(
    'MemoryService',
    'SearchEpisodic',
  ),
  upsert: mnemoMethod<UpsertEpisodicRequest, UpsertEpisodicResponse__Output>(
    'MemoryService',
    'UpsertEpisodic',
  ),
  acquire: mnemoMethod<RateLimitServiceAcquireRequest, RateLimitServiceAcquireResponse__Output>(
    'RateLimitService',
    'Acquire',
  ),
  append: mnemoMethod<AuditServiceAppendRequest, AuditServiceAppendResponse__Output>(
    'AuditService',
    'Append',
  ),
  health: healthMethod<HealthCheckRequest, HealthCheckResponse>('Check'),
  /** The bidirectional search stream: one answer per request, tagged with its request_id. */
  searchStream: mnemoMethod<SearchEpisodicRequest, SearchEpisodicResponse__Output>(
    'MemoryService',
    'SearchEpisodicStream',
  ),
};

/** SearchEpisodic answering its raw response bytes (to size the echo server's reply). */
export const RAW_SEARCH: MethodDefinition<SearchEpisodicRequest, Buffer> = {
  ...RPC.search,
  responseSerialize: (bytes: Buffer) => bytes,
  responseDeserialize: (bytes: Buffer) => bytes,
};

const CHANNEL_OPTIONS: ChannelOptions = {
  // One HTTP/2 connection per channel, as separate agent processes would have.
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
};

/**
 * The load generator's client: grpc-js (what a Node agent uses), or the cheap raw HTTP/2 client
 * of rawChannel.ts (what the server alone costs: `--client cheap`).
 */
export type ClientKind = 'grpc-js' | 'cheap';

/** How a client reaches a server that is not plaintext: its credentials and channel options. */
export interface ClientSecurity {
  credentials: ChannelCredentials;
  options: ChannelOptions;
}

/**
 * `count` gRPC channels to one server (one connection each); a simulated agent uses channel
 * `agent % count`. Every call has a deadline, so a stuck server cannot hang a run.
 */
export class Channels {
  private readonly clients: Client[];
  /** The raw HTTP/2 connections of `--client cheap` (empty with grpc-js). */
  private readonly raw: RawChannel[];
  /** One search stream per channel, opened on first use (streamCall). */
  private readonly streams = new Map<
    number,
    StreamCaller<SearchEpisodicRequest, SearchEpisodicResponse__Output>
  >();

  /**
   * `options` are added to (or override) the harness's channel options; `security` is how the
   * channels reach the server (plaintext when absent; e.g. TLS and call credentials), its
   * options overriding both. With `client` cheap, calls go over bare HTTP/2 connections
   * (plaintext only; `options` do not apply).
   */
  constructor(
    readonly address: string,
    count: number,
    private readonly deadlineMs = 60_000,
    options: ChannelOptions = {},
    security?: ClientSecurity,
    client: ClientKind = 'grpc-js',
  ) {
    const n = Math.max(1, count);
    if (client === 'cheap') {
      if (security !== undefined) throw new Error('the cheap client speaks plaintext only');
      this.clients = [];
      this.raw = Array.from({ length: n }, () => new RawChannel(address));
      return;
    }
    const all = { ...CHANNEL_OPTIONS, ...options, ...security?.options };
    const creds = security?.credentials ?? credentials.createInsecure();
    this.clients = Array.from({ length: n }, () => new Client(address, creds, all));
    this.raw = [];
  }

  get size(): number {
    return Math.max(this.clients.length, this.raw.length);
  }

  call<Req, Res>(
    definition: MethodDefinition<Req, Res>,
    request: Req,
    channel = 0,
    deadlineMs = this.deadlineMs,
  ): Promise<Res> {
    if (this.raw.length > 0) {
      const raw = this.raw[channel % this.raw.length];
      if (raw === undefined) return Promise.reject(new Error('no channel'));
      return raw.call(definition, request, deadlineMs);
    }
    const client = this.clients[channel % this.clients.length];
    if (client === undefined) return Promise.reject(new Error('no channel'));
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        { deadline: Date.now() + deadlineMs },
        (error: ServiceError | null, response?: Res) => {
          if (error) reject(error);
          else if (response === undefined) reject(new Error(`${definition.path}: empty answer`));
          else resolve(response);
        },
      );
    });
  }

  /**
   * One search over channel `channel`'s SearchEpisodicStream (one stream per channel, each
   * message tagged with a request_id of its own): what an agent recalling at a high rate does.
   * grpc-js channels only.
   */
  streamCall(request: SearchEpisodicRequest, channel = 0): Promise<SearchEpisodicResponse__Output> {
    const index = channel % Math.max(1, this.clients.length);
    let caller = this.streams.get(index);
    if (caller === undefined) {
      const client = this.clients[index];
      if (client === undefined) {
        return Promise.reject(new Error('search streams need grpc-js channels'));
      }
      caller = new StreamCaller(client, RPC.searchStream);
      this.streams.set(index, caller);
    }
    return caller.call(request);
  }

  /** Waits until every channel is connected (so connection setup is outside measurements). */
  async connect(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(this.raw.map((raw) => raw.connect(timeoutMs)));
    await Promise.all(
      this.clients.map(
        (client) =>
          new Promise<void>((resolve, reject) => {
            client.waitForReady(deadline, (error) => {
              if (error) reject(error);
              else resolve();
            });
          }),
      ),
    );
  }

  close(): void {
    for (const caller of this.streams.values()) caller.close();
    for (const client of this.clients) client.close();
    for (const raw of this.raw) raw.close();
  }
}
