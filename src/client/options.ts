import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';

/** TLS settings: PEM contents; none given = trust the system's CAs. */
export interface TlsOptions {
  /** CA certificates to trust instead of the system's. */
  rootCerts?: string | Buffer;
  /** Mutual TLS: the client's certificate chain and its private key. */
  certChain?: string | Buffer;
  privateKey?: string | Buffer;
  /** The name checked against the server's certificate instead of the target's host. */
  serverName?: string;
}

/** How a client connects; the same settings as the Python client's ConnectOptions. */
export interface ClientOptions {
  /** Sent as `authorization: Bearer <token>` on every call. */
  token?: string;
  /** TLS: true (system CAs) or its settings; absent = plaintext. */
  tls?: boolean | TlsOptions;
  /** Deadline of every unary call unless the call gives one (ms; default 10 000). */
  timeoutMs?: number;
  /**
   * Attempts of an idempotent call refused UNAVAILABLE (1–5; default 4). With 1 the client never
   * sends a call twice, so upserts go without the request_id it would give them.
   */
  maxAttempts?: number;
  /** Backoff between attempts: from this (default 100 ms) doubling up to maxBackoffMs (2 000). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Keepalive pings (defaults 60 000 and 20 000 ms, what the server permits). */
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  /** Largest message sent or received (default 64 MiB). */
  maxMessageBytes?: number;
  /** Further grpc-js channel options, applied last. */
  channelOptions?: ChannelOptions;
}

/**
 * The methods safe to send again after UNAVAILABLE: reads, deletes, sets, and upserts (the client
 * gives every upsert a request_id, so the server applies a retried one once).
 */
export const IDEMPOTENT: Readonly<Record<string, readonly string[]>> = {
  'mnemo.v1.MemoryService': [
    'UpsertEpisodic',
    'UpsertSemantic',
    'GetEpisodic',
    'GetSemantic',
    'DeleteEpisodic',
    'DeleteSemantic',
    'SearchEpisodic',
    'SearchSemantic',
    'BatchSearchEpisodic',
    'RecentEpisodic',
    'GetInfo',
    'ListSemantic',
  ],
  'mnemo.v1.CacheService': ['Get', 'GetHash', 'Set', 'SetHash', 'Delete'],
  'mnemo.v1.AuditService': ['Range', 'AgentPnl'],
  'mnemo.v1.SessionService': [
    'GetSession',
    'ListSessions',
    'Heartbeat',
    'EndSession',
    'ResumeSession',
  ],
};

/** The settings with their defaults, checked (a RangeError names the bad one). */
export function resolveOptions(
  options: ClientOptions,
): Required<Omit<ClientOptions, 'token' | 'tls'>> & Pick<ClientOptions, 'token' | 'tls'> {
  const resolved = {
    timeoutMs: 10_000,
    maxAttempts: 4,
    initialBackoffMs: 100,
    maxBackoffMs: 2_000,
    keepaliveTimeMs: 60_000,
    keepaliveTimeoutMs: 20_000,
    maxMessageBytes: 64 * 1024 * 1024,
    channelOptions: {},
    ...options,
  };
  if (!(resolved.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
  if (
    !Number.isInteger(resolved.maxAttempts) ||
    resolved.maxAttempts < 1 ||
    resolved.maxAttempts > 5
  ) {
    throw new RangeError('maxAttempts must be an integer in [1, 5] (gRPC caps attempts at 5)');
  }
  return resolved;
}

/** HTTP/2 receive window of the client's streams and connection, as the server's default. */
const CLIENT_HTTP2_WINDOW_BYTES = 1_048_576;

/** The channel options: retries through the service config, keepalive, message sizes, windows. */
export function channelOptions(options: ReturnType<typeof resolveOptions>): ChannelOptions {
  const names = Object.entries(IDEMPOTENT).flatMap(([service, methods]) =>
    methods.map((method) => ({ service, method })),
  );
  const methodConfig =
    options.maxAttempts > 1
      ? [
          {
            name: names,
            retryPolicy: {
              maxAttempts: options.maxAttempts,
              initialBackoff: `${options.initialBackoffMs / 1000}s`,
              maxBackoff: `${options.maxBackoffMs / 1000}s`,
              backoffMultiplier: 2,
              retryableStatusCodes: ['UNAVAILABLE'],
            },
          },
        ]
      : [];
  const tls = typeof options.tls === 'object' ? options.tls : undefined;
  return {
    'grpc.service_config': JSON.stringify({ methodConfig }),
    'grpc.keepalive_time_ms': options.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': options.maxMessageBytes,
    // Answers (hits with vectors, batch searches) cross in one window, not 64 KiB steps each
    // waiting for this process's event loop (docs/operations.md, "HTTP/2 windows").
    'grpc-node.flow_control_window': CLIENT_HTTP2_WINDOW_BYTES,
    ...(tls?.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': tls.serverName }),
    ...options.channelOptions,
  };
}

function pem(value: string | Buffer | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** Plaintext, or TLS with the given CAs and client certificate. */
export function channelCredentials(tls: ClientOptions['tls']): ChannelCredentials {
  if (tls === undefined || tls === false) return credentials.createInsecure();
  const settings = tls === true ? {} : tls;
  return credentials.createSsl(
    pem(settings.rootCerts),
    pem(settings.privateKey),
    pem(settings.certChain),
  );
}
