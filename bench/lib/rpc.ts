import type { ChannelOptions, MethodDefinition } from '@grpc/grpc-js';
import {
  MnemoClient,
  type ClientOptions,
  type RequestStream,
  type TlsOptions,
} from '../../src/client/index.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse__Output } from '../../src/generated/mnemo/v1/SearchEpisodicResponse.js';
import { mnemoMethod } from './protos.js';
import { RawChannel } from './rawChannel.js';

/**
 * SearchEpisodic and SearchEpisodicStream with the protobuf (de)serializers of the real contract:
 * what the cheap client sends and the echo server answers (every other call of the harness goes
 * through MnemoClient, src/client).
 */
export const SEARCH = mnemoMethod<SearchEpisodicRequest, SearchEpisodicResponse__Output>(
  'MemoryService',
  'SearchEpisodic',
);
export const SEARCH_STREAM = mnemoMethod<SearchEpisodicRequest, SearchEpisodicResponse__Output>(
  'MemoryService',
  'SearchEpisodicStream',
);

/** SearchEpisodic answering its raw response bytes (to size the echo server's reply). */
export const RAW_SEARCH: MethodDefinition<SearchEpisodicRequest, Buffer> = {
  ...SEARCH,
  responseSerialize: (bytes: Buffer) => bytes,
  responseDeserialize: (bytes: Buffer) => bytes,
};

const CHANNEL_OPTIONS: ChannelOptions = {
  // One HTTP/2 connection per channel, as separate agent processes would have.
  'grpc.use_local_subchannel_pool': 1,
  // No keepalive pings (MnemoClient's default sends them): a channel to a child paused for other
  // targets' rounds (the pause rule, driver.ts) must not be closed for a ping it cannot answer.
  'grpc.keepalive_time_ms': -1,
};

/**
 * The load generator's client of the searches: MnemoClient over grpc-js (what a Node agent
 * uses), or the cheap raw HTTP/2 client of rawChannel.ts (what the server alone costs:
 * `--client cheap`).
 */
export type ClientKind = 'grpc-js' | 'cheap';

/** How a client reaches a server that is not plaintext: TLS and the bearer token it sends. */
export interface ClientSecurity {
  tls: TlsOptions;
  token: string;
}

/**
 * The options of the harness's MnemoClients: `deadlineMs` the deadline of every call, no retry
 * (a failed call is counted, not hidden; and upserts go as given, without a request_id),
 * `options` added to the channel's, `security` (TLS, token) where the server is secured.
 */
export function clientOptions(
  deadlineMs: number,
  options: ChannelOptions = {},
  security?: ClientSecurity,
): ClientOptions {
  return {
    timeoutMs: deadlineMs,
    maxAttempts: 1,
    channelOptions: { ...CHANNEL_OPTIONS, ...options },
    ...security,
  };
}

/**
 * `count` MnemoClients to one server (one connection each); a simulated agent uses channel
 * `agent % count`. Every call has a deadline, so a stuck server cannot hang a run. With `client`
 * cheap, the searches go over `count` bare HTTP/2 connections instead (plaintext only), and
 * a MnemoClient is opened for a channel's other calls on their first use.
 */
export class Channels {
  private readonly clients: (MnemoClient | undefined)[];
  /** The raw HTTP/2 connections of `--client cheap` (empty with grpc-js). */
  private readonly raw: RawChannel[];
  /** One search stream per channel, opened on first use (streamSearch). */
  private readonly streams = new Map<
    number,
    RequestStream<SearchEpisodicRequest, SearchEpisodicResponse__Output>
  >();
  private readonly options: ClientOptions;

  /**
   * `options` are added to (or override) the harness's channel options; `security` is how the
   * channels reach the server (plaintext when absent: TLS and a bearer token).
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
    if (client === 'cheap' && security !== undefined) {
      throw new Error('the cheap client speaks plaintext only');
    }
    this.options = clientOptions(deadlineMs, options, security);
    this.clients = new Array<MnemoClient | undefined>(n).fill(undefined);
    this.raw = client === 'cheap' ? Array.from({ length: n }, () => new RawChannel(address)) : [];
  }

  get size(): number {
    return this.clients.length;
  }

  /** Channel `channel`'s MnemoClient (opened on first use). */
  client(channel = 0): MnemoClient {
    const index = channel % this.clients.length;
    let client = this.clients[index];
    if (client === undefined) {
      client = new MnemoClient(this.address, this.options);
      this.clients[index] = client;
    }
    return client;
  }

  /** One SearchEpisodic over channel `channel`: the load generator's call. */
  search(request: SearchEpisodicRequest, channel = 0): Promise<SearchEpisodicResponse__Output> {
    if (this.raw.length > 0) {
      const raw = this.raw[channel % this.raw.length];
      if (raw === undefined) return Promise.reject(new Error('no channel'));
      return raw.call(SEARCH, request, this.deadlineMs);
    }
    return this.client(channel).memory.searchEpisodic(request);
  }

  /**
   * One search over channel `channel`'s SearchEpisodicStream (one stream per channel, each
   * message tagged with a request_id of its own by the client's request stream): what an agent
   * recalling at a high rate does. A stream that failed is opened again by the next search.
   * grpc-js channels only.
   */
  streamSearch(
    request: SearchEpisodicRequest,
    channel = 0,
  ): Promise<SearchEpisodicResponse__Output> {
    if (this.raw.length > 0) return Promise.reject(new Error('search streams need grpc-js'));
    const index = channel % this.clients.length;
    let stream = this.streams.get(index);
    if (stream === undefined || !stream.open) {
      stream = this.client(index).memory.searchEpisodicStream();
      this.streams.set(index, stream);
    }
    return stream.send(request);
  }

  /** Waits until every channel is connected (so connection setup is outside measurements). */
  async connect(timeoutMs = 10_000): Promise<void> {
    if (this.raw.length > 0) {
      await Promise.all(this.raw.map((raw) => raw.connect(timeoutMs)));
      return;
    }
    await Promise.all(this.clients.map((_, i) => this.client(i).waitForReady(timeoutMs)));
  }

  close(): void {
    for (const stream of this.streams.values()) void stream.end();
    this.streams.clear();
    for (const client of this.clients) client?.close();
    for (const raw of this.raw) raw.close();
  }
}
