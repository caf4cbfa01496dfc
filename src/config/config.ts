import { isIPv4, isIPv6 } from 'node:net';
import { availableParallelism } from 'node:os';
import { ConfigError } from './configError.js';
import { EnvReader, type Env } from './envReader.js';
import {
  address,
  boolean,
  choice,
  decimal,
  fraction,
  hostPorts,
  integer,
  redisUrl,
  redisUrlList,
} from './readers.js';

export { ConfigError } from './configError.js';

/** Service configuration, parsed once from the environment at start and frozen. */
export interface Config {
  /** gRPC listen address; a loopback one unless `tls`, tokens or `insecure` (protected mode). */
  readonly grpcAddress: string;
  /**
   * MNEMO_INSECURE=true: serve plaintext without tokens on a non-loopback `grpcAddress` too.
   * Without it (or TLS, or tokens), a non-loopback address is a configuration error.
   */
  readonly insecure: boolean;
  /** MNEMO_TLS_*: serve gRPC over TLS only, with these PEM files (null: plaintext). */
  readonly tls: TlsFiles | null;
  /**
   * MNEMO_AUTH_TOKENS_FILE: the token file (docs/security.md); every call then needs a bearer
   * token of it. Null: no tokens (protected mode unless TLS or MNEMO_INSECURE).
   */
  readonly authTokensFile: string | null;
  /** Redis URL; null means "the default": 127.0.0.1:6379 if it answers, else a local child. */
  readonly redisUrl: string | null;
  readonly keyPrefix: string;
  readonly vectorDim: number;
  /** How the in-process index stores vectors: float32, or float16 (half the memory). */
  readonly vectorPrecision: 'float32' | 'float16';
  readonly maxK: number;
  readonly maxBatch: number;
  /** Largest request message the gRPC server accepts, in bytes (larger: RESOURCE_EXHAUSTED). */
  readonly maxMessageBytes: number;
  /** Calls of the mnemo services in flight at once, in total (streams included). */
  readonly maxInflight: number;
  /** Calls of the mnemo services in flight at once on one client connection (streams included). */
  readonly maxInflightPerConnection: number;
  /** Server-streaming calls (e.g. AuditService.Tail) open at once, in total. */
  readonly maxStreams: number;
  /** Server streams open at once for one client (one token, else one connection). */
  readonly maxStreamsPerClient: number;
  /**
   * Longest a server stream's message may wait for its client to read (HTTP/2 flow control)
   * before the stream is ended RESOURCE_EXHAUSTED and its slots released; 0 = no limit. A stream
   * with nothing to send is not idle in this sense.
   */
  readonly streamIdleTimeoutMs: number;
  /**
   * Messages of one request stream (SearchEpisodicStream, …) read but not yet answered: at the
   * bound the server stops reading the stream until answers are written (flow control).
   */
  readonly streamMaxInflight: number;
  /**
   * HTTP/2 receive window of each request stream and of each client connection, in bytes: how
   * much a client may send before the server acknowledges what it read.
   */
  readonly http2WindowBytes: number;
  readonly hnswM: number;
  readonly hnswEfConstruction: number;
  readonly efRuntime: number;
  /** Recall@10 the calibrated default ef of unfiltered searches must reach; 0 = no calibration. */
  readonly targetRecall: number;
  /** How often index sizes are checked for a new ef calibration. */
  readonly efCalibrationIntervalMs: number;
  /** Recent searches an ef calibration replays (at most the 1,024 an index keeps). */
  readonly efCalibrationSamples: number;
  readonly exactSearchMaxCandidates: number;
  /** Payloads up to this size are held in the index, so hits need no Redis read; 0 = none. */
  readonly indexPayloadMaxBytes: number;
  readonly changeStreamMaxLen: number;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Largest CacheService value (and hash write), in bytes. */
  readonly cacheMaxValueBytes: number;
  /** Approximate cap of the audit log stream, in entries. */
  readonly auditMaxLen: number;
  /** Largest audit entry (sum of its text fields), in bytes. */
  readonly auditMaxEntryBytes: number;
  /** Heartbeat interval of a session started with ttl_ms 0. */
  readonly sessionTtlMs: number;
  /** Largest ttl_ms (and heartbeat interval_ms) a request may ask for. */
  readonly sessionMaxTtlMs: number;
  /** How many tx_ids a session remembers: a retry of one of its last this-many trades counts once. */
  readonly sessionTxRetention: number;
  /** How often each instance looks for sessions whose heartbeat lapsed (STALE changes). */
  readonly sessionSweepIntervalMs: number;
  /** Approximate cap of the session changes stream WatchSessions follows. */
  readonly sessionChangesMaxLen: number;
  /**
   * Dedicated blocking Redis connections for audit Tail and WatchSessions streams: at most this
   * many of them live at once.
   */
  readonly redisPoolSize: number;
  /** Durable signals kept per channel stream for resuming (at least; trimmed in batches). */
  readonly signalStreamMaxLen: number;
  /** Messages a Subscribe stream may have waiting for its client before it is ended. */
  readonly signalBufferMessages: number;
  /** Largest published message (payload bytes, or a signal's text fields), in bytes. */
  readonly signalMaxPayloadBytes: number;
  /** Longest a search waits for others to join its batch. */
  readonly batchWindowMs: number;
  /** Most searches executed as one batch. */
  readonly batchMax: number;
  /** Batches executing at once (default: the number of cores). */
  readonly batchConcurrency: number;
  /**
   * Searches on the cores at once before a new search waits for the next batch (default: the
   * cores but one, which the JS thread keeps; at least one).
   */
  readonly batchSearchSlots: number;
  /** Bytes of search hits (memories without vectors) kept in process; 0 = no cache. */
  readonly recordCacheMaxBytes: number;
  /** How long a cached search hit answers before it is read from Redis again. */
  readonly recordCacheMaxAgeMs: number;
  /** How long a search's answer may answer an identical search again; 0 = no result cache. */
  readonly resultCacheTtlMs: number;
  /** Bytes of search answers kept for identical searches; 0 = no result cache. */
  readonly resultCacheMaxBytes: number;
  /** How long an upsert's request_id is remembered: a retry within it stores nothing again. */
  readonly requestIdWindowMs: number;
  /**
   * How far back as-of queries reach: earlier outcomes of revised memories are kept this long,
   * and an older as_of is refused (FAILED_PRECONDITION). 0: forever.
   */
  readonly asOfRetentionMs: number;
  /** Default weights and half-life of ranked searches (a query's own override them). */
  readonly rankingWSimilarity: number;
  readonly rankingWOutcome: number;
  readonly rankingWRecency: number;
  readonly rankingRecencyHalfLifeS: number;
  readonly rankingWRegime: number;
  readonly rankingWSharpe: number;
  readonly rankingWWinRate: number;
  /** A ranked search of k takes this many times k neighbours by distance first... */
  readonly rankingHeadroom: number;
  /** ...widened to this many times k when too many others could still win (MemoryIndex.rank). */
  readonly rankingMaxHeadroom: number;
  /** How often the follower checks that the dataset was not reset (FLUSHALL) behind it. */
  readonly datasetCheckIntervalMs: number;
  /** Memories checked against Redis per second by the background reconciliation (0 = off). */
  readonly reconcilePerSecond: number;
  /** `batched` (window + dedup) or `naive` (one search at a time, one round trip per hit). */
  readonly searchPipeline: 'batched' | 'naive';
  /** Read replicas, as redis:// URLs; reads go round-robin over the healthy ones. */
  readonly redisReplicaUrls: readonly string[];
  /** A replica lagging the master by more than this leaves the read rotation. */
  readonly maxReplicaLagMs: number;
  /** Sentinels (host:port); when set, the master is found (and followed) through them. */
  readonly redisSentinels: readonly { host: string; port: number }[];
  readonly redisSentinelMaster: string;
  /** A write is acknowledged only once this many replicas have it (WAIT); 0 = no wait. */
  readonly writeMinReplicas: number;
  /** How long a write waits for those replicas. */
  readonly writeReplicaTimeoutMs: number;
  /** How often the index is snapshotted under `dataDir` while changes come in (0 = never). */
  readonly snapshotIntervalMs: number;
  /**
   * MNEMO_RATE_LIMITS: buckets whose parameters the server owns, by name (in every token's
   * namespace alike); a call to one may not set others.
   */
  readonly rateLimits: ReadonlyMap<string, BucketParameters>;
  /** MNEMO_RATE_LIMITS_ONLY=true: a bucket not in `rateLimits` is refused. */
  readonly rateLimitsOnly: boolean;
  /** Where Prometheus metrics are served over HTTP (`GET /metrics`). */
  readonly metricsAddress: string;
  /** On SIGTERM/SIGINT, how long calls in flight may take to finish before being cancelled. */
  readonly shutdownGraceMs: number;
}

/**
 * The PEM files TLS is served with; read at start and again on each reload (SIGHUP), so the
 * paths stay fixed and their contents may change.
 */
export interface TlsFiles {
  /** MNEMO_TLS_CERT: the server certificate, optionally followed by its intermediates. */
  readonly certFile: string;
  /** MNEMO_TLS_KEY: the certificate's private key (unencrypted). */
  readonly keyFile: string;
  /**
   * MNEMO_TLS_CLIENT_CA: mutual TLS, the CA certificates client certificates must chain to;
   * clients without such a certificate are refused. Null: no client certificates asked.
   */
  readonly clientCaFile: string | null;
}

/** A token bucket's parameters: its capacity and tokens added per second (0 = never refills). */
export interface BucketParameters {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** Largest bucket capacity (and refill per second): token counts stay exact to about 10⁻⁴. */
export const MAX_BUCKET_CAPACITY = 1e12;
/** Longest time a bucket may take to refill completely: 31 days, in seconds. */
export const MAX_BUCKET_REFILL_SECONDS = 31 * 86_400;

/**
 * What is wrong with a bucket's parameters, naming the request field, or null. The one check of
 * RateLimitService.Acquire's parameters and of MNEMO_RATE_LIMITS.
 */
export function bucketProblem(
  capacity: number,
  refillPerSecond: number,
): { field: 'capacity' | 'refill_per_second'; problem: string } | null {
  if (!Number.isFinite(capacity) || capacity <= 0 || capacity > MAX_BUCKET_CAPACITY) {
    const problem = `must be a number above 0 and at most ${MAX_BUCKET_CAPACITY}, got ${capacity}`;
    return { field: 'capacity', problem };
  }
  if (
    !Number.isFinite(refillPerSecond) ||
    refillPerSecond < 0 ||
    refillPerSecond > MAX_BUCKET_CAPACITY
  ) {
    return {
      field: 'refill_per_second',
      problem: `must be 0 (never refills) or a number up to ${MAX_BUCKET_CAPACITY}, got ${refillPerSecond}`,
    };
  }
  if (refillPerSecond > 0 && capacity / refillPerSecond > MAX_BUCKET_REFILL_SECONDS) {
    return {
      field: 'refill_per_second',
      problem:
        `${refillPerSecond} refills the capacity ${capacity} in ${capacity / refillPerSecond} s, ` +
        `above ${MAX_BUCKET_REFILL_SECONDS} s (31 days); use 0 for a bucket that never refills`,
    };
  }
  return null;
}

/** MNEMO_RATE_LIMITS: `name=capacity/refill_per_second`, comma-separated. */
function rateLimits(r: EnvReader): Map<string, BucketParameters> {
  return r.parse('MNEMO_RATE_LIMITS', new Map<string, BucketParameters>(), (raw) => {
    const buckets = new Map<string, BucketParameters>();
    for (const item of raw.split(',')) {
      const match = /^\s*([^\s=,]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\s*$/.exec(item);
      if (match === null) {
        throw new ConfigError(
          `MNEMO_RATE_LIMITS must be name=capacity/refill_per_second, comma-separated, got "${item.trim()}"`,
        );
      }
      const [, name = '', capacity, refill] = match;
      const parameters = { capacity: Number(capacity), refillPerSecond: Number(refill) };
      const wrong = bucketProblem(parameters.capacity, parameters.refillPerSecond);
      if (wrong !== null) {
        throw new ConfigError(
          `MNEMO_RATE_LIMITS: bucket "${name}": ${wrong.field} ${wrong.problem}`,
        );
      }
      if (buckets.has(name)) {
        throw new ConfigError(`MNEMO_RATE_LIMITS names the bucket "${name}" twice`);
      }
      buckets.set(name, parameters);
    }
    return buckets;
  });
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * Whether the host of a `host:port` address (as `address` accepts it) is loopback only: an IPv4
 * address in 127.0.0.0/8, `::1` (in any spelling, also `::ffff:127.x.x.x`), or `localhost`
 * (which RFC 6761 reserves for loopback). Other hostnames are never resolved here: what they
 * resolve to is not known at start for certain and may change, so they count as non-loopback.
 */
export function isLoopbackAddress(hostPort: string): boolean {
  const host = hostPort
    .slice(0, hostPort.lastIndexOf(':'))
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (!isIPv6(host)) return false;
  const groups = ipv6Groups(host);
  if (groups.slice(0, 5).some((g) => g !== 0)) return false;
  // ::1, or an IPv4-mapped 127.x.x.x (::ffff:127.0.0.1).
  if (groups[5] === 0) return groups[6] === 0 && groups[7] === 1;
  return groups[5] === 0xffff && (groups[6] ?? 0) >> 8 === 127;
}

/** The eight 16-bit groups of an address `isIPv6` accepts (an IPv4 tail counts as two). */
function ipv6Groups(host: string): number[] {
  const v4 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  const text = v4
    ? `${v4[1]}${((Number(v4[2]) << 8) | Number(v4[3])).toString(16)}:` +
      ((Number(v4[4]) << 8) | Number(v4[5])).toString(16)
    : host;
  const [head = '', tail] = text.split('::');
  const part = (half: string | undefined): string[] =>
    half === undefined || half === '' ? [] : half.split(':');
  const zeros = tail === undefined ? 0 : 8 - part(head).length - part(tail).length;
  return [...part(head), ...Array<string>(zeros).fill('0'), ...part(tail)].map((g) =>
    parseInt(g, 16),
  );
}

/**
 * What lifts protected mode, each alone: a way to tell clients apart (TLS, with MNEMO_TLS_CERT
 * and MNEMO_TLS_KEY; tokens, with MNEMO_AUTH_TOKENS_FILE), or the operator's explicit word
 * (MNEMO_INSECURE=true).
 */
export interface Protection {
  readonly tls: boolean;
  readonly tokens: boolean;
  readonly insecure: boolean;
}

/**
 * MNEMO_TLS_CERT and MNEMO_TLS_KEY (both or neither), and MNEMO_TLS_CLIENT_CA (only with them).
 * Only the variables are checked here; the files are read (and checked) when the server starts.
 */
function tlsFiles(r: EnvReader): TlsFiles | null {
  const certFile = r.read('MNEMO_TLS_CERT');
  const keyFile = r.read('MNEMO_TLS_KEY');
  const clientCaFile = r.read('MNEMO_TLS_CLIENT_CA') ?? null;
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile === null) return null;
    throw new ConfigError(
      'MNEMO_TLS_CLIENT_CA is set without MNEMO_TLS_CERT and MNEMO_TLS_KEY: mutual TLS needs ' +
        'the server certificate and key too',
    );
  }
  if (certFile === undefined || keyFile === undefined) {
    const [set, unset] = certFile === undefined ? ['KEY', 'CERT'] : ['CERT', 'KEY'];
    throw new ConfigError(
      `MNEMO_TLS_${unset} is not set but MNEMO_TLS_${set} is: TLS needs both (or neither)`,
    );
  }
  return { certFile, keyFile, clientCaFile };
}

/**
 * Protected mode, as Redis has it: with neither TLS nor tokens, gRPC is served to loopback
 * clients only, unless MNEMO_INSECURE=true says otherwise explicitly. Throws a ConfigError
 * naming MNEMO_GRPC_ADDRESS and the ways to lift it.
 */
export function checkProtectedMode(grpcAddress: string, protection: Protection): void {
  if (protection.tls || protection.tokens || protection.insecure) return;
  if (isLoopbackAddress(grpcAddress)) return;
  throw new ConfigError(
    `MNEMO_GRPC_ADDRESS is ${grpcAddress}, not a loopback address: without TLS or tokens mnemo ` +
      'serves loopback clients only (protected mode). Bind 127.0.0.1, [::1] or localhost, ' +
      'set MNEMO_TLS_CERT and MNEMO_TLS_KEY to serve TLS, MNEMO_AUTH_TOKENS_FILE to require ' +
      'tokens, or ' +
      `set MNEMO_INSECURE=true to serve plaintext without tokens on ${grpcAddress}`,
  );
}

/** The one start log line saying which mode gRPC is served in. */
export function servingMode(
  config: Pick<Config, 'grpcAddress' | 'insecure' | 'tls' | 'authTokensFile'>,
): string {
  const tls =
    config.tls === null
      ? null
      : `TLS${config.tls.clientCaFile === null ? '' : ' (mutual: client certificates required)'}`;
  if (config.authTokensFile !== null) {
    return `tokens required on ${config.grpcAddress} (MNEMO_AUTH_TOKENS_FILE), ${tls ?? 'plaintext'}`;
  }
  if (tls !== null) {
    return `TLS mode: ${tls} on ${config.grpcAddress}`;
  }
  if (isLoopbackAddress(config.grpcAddress)) {
    return 'protected mode: plaintext without tokens, serving loopback clients only';
  }
  return `insecure mode: plaintext without tokens on ${config.grpcAddress} (MNEMO_INSECURE=true)`;
}

/**
 * The namespaces of src/redis/RedisKeys.ts whose keys end in a caller's text (memory ids, cache
 * keys, bucket names, audit agent ids). A prefix holding one would nest under a shorter prefix:
 * with `desk:` and `desk:cache:` on one Redis, a cache key `episodic:x` of the first is a memory
 * of the second.
 */
const CALLER_NAMESPACES =
  /episodic:|semantic:|cache:|ratelimit:|audit:|tenant:|quota:|request:|session:|session-hb:|session-tx:|signal:/;

/** MNEMO_KEY_PREFIX, as set (untrimmed): no spaces, glob characters or caller namespaces. */
function keyPrefix(r: EnvReader): string {
  const prefix = r.raw('MNEMO_KEY_PREFIX') ?? '';
  return r.check(() => {
    if (/[\s*?[\]]/.test(prefix)) {
      throw new ConfigError(
        'MNEMO_KEY_PREFIX must not contain spaces or glob characters (* ? [ ])',
      );
    }
    const nested = CALLER_NAMESPACES.exec(prefix);
    if (nested !== null) {
      throw new ConfigError(
        `MNEMO_KEY_PREFIX must not contain "${nested[0]}": its keys would be in that namespace ` +
          `of the prefix "${prefix.slice(0, nested.index)}", open to that deployment's callers`,
      );
    }
    return prefix;
  }, '');
}

/**
 * Parses and validates the MNEMO_* environment variables, frozen. Throws one ConfigError listing
 * every problem, one per line naming its variable: each bad setting, then each MNEMO_ variable
 * that is not a setting (with the nearest setting's name when one is close).
 */
export function loadConfig(env: Env = process.env): Config {
  const r = new EnvReader(env);
  const config = parse(r);
  r.finish();
  return config;
}

/** The names of every setting, sorted: what `loadConfig` reads. */
export function settingNames(): string[] {
  const r = new EnvReader({});
  parse(r);
  return r.names();
}

/**
 * Every setting read through `r` (its problems recorded there), bad ones at their defaults. Each
 * is read whatever the others say, even from an empty environment: what is read is what
 * `settingNames` lists and `loadConfig` accepts.
 */
function parse(r: EnvReader): Config {
  const grpcAddress = address(r, 'MNEMO_GRPC_ADDRESS', '127.0.0.1:50051');
  const insecure = boolean(r, 'MNEMO_INSECURE', false);
  const tls = r.check(() => tlsFiles(r), null);
  const authTokensFile = r.read('MNEMO_AUTH_TOKENS_FILE') ?? null;
  r.check(() => {
    checkProtectedMode(grpcAddress, {
      tls: tls !== null,
      tokens: authTokensFile !== null,
      insecure,
    });
  }, undefined);
  const config: Config = {
    grpcAddress,
    insecure,
    tls,
    authTokensFile,
    redisUrl: redisUrl(r, 'MNEMO_REDIS_URL'),
    keyPrefix: keyPrefix(r),
    vectorDim: integer(r, 'MNEMO_VECTOR_DIM', 256, 2, 4096),
    vectorPrecision: choice(r, 'MNEMO_VECTOR_PRECISION', 'float32', ['float32', 'float16']),
    maxK: integer(r, 'MNEMO_MAX_K', 1000, 1, 100_000),
    maxBatch: integer(r, 'MNEMO_MAX_BATCH', 1000, 1, 100_000),
    maxMessageBytes: integer(r, 'MNEMO_MAX_MESSAGE_BYTES', 33_554_432, 1024, 268_435_456),
    maxInflight: integer(r, 'MNEMO_MAX_INFLIGHT', 2000, 1, 1_000_000),
    maxInflightPerConnection: integer(r, 'MNEMO_MAX_INFLIGHT_PER_CONNECTION', 1000, 1, 1000),
    maxStreams: integer(r, 'MNEMO_MAX_STREAMS', 100, 1, 100_000),
    maxStreamsPerClient: integer(r, 'MNEMO_MAX_STREAMS_PER_CLIENT', 8, 1, 100_000),
    streamIdleTimeoutMs: integer(r, 'MNEMO_STREAM_IDLE_TIMEOUT_MS', 30_000, 0, 3_600_000),
    streamMaxInflight: integer(r, 'MNEMO_STREAM_MAX_INFLIGHT', 64, 1, 10_000),
    http2WindowBytes: integer(r, 'MNEMO_HTTP2_WINDOW_BYTES', 1_048_576, 65_535, 67_108_864),
    hnswM: integer(r, 'MNEMO_HNSW_M', 16, 4, 128),
    hnswEfConstruction: integer(r, 'MNEMO_HNSW_EF_CONSTRUCTION', 200, 10, 2000),
    efRuntime: integer(r, 'MNEMO_EF_RUNTIME', 64, 1, 10_000),
    targetRecall: fraction(r, 'MNEMO_TARGET_RECALL', 0.98),
    efCalibrationIntervalMs: integer(
      r,
      'MNEMO_EF_CALIBRATION_INTERVAL_MS',
      30_000,
      1000,
      86_400_000,
    ),
    efCalibrationSamples: integer(r, 'MNEMO_EF_CALIBRATION_SAMPLES', 512, 16, 1024),
    exactSearchMaxCandidates: integer(r, 'MNEMO_EXACT_SEARCH_MAX_CANDIDATES', 8192, 0, 10_000_000),
    indexPayloadMaxBytes: integer(r, 'MNEMO_INDEX_PAYLOAD_MAX_BYTES', 256, 0, 65_536),
    changeStreamMaxLen: integer(r, 'MNEMO_CHANGE_STREAM_MAX_LEN', 100_000, 1000, 100_000_000),
    dataDir: r.read('MNEMO_DATA_DIR') ?? 'data',
    logLevel: choice(r, 'MNEMO_LOG_LEVEL', 'info', LOG_LEVELS),
    cacheMaxValueBytes: integer(r, 'MNEMO_CACHE_MAX_VALUE_BYTES', 1_048_576, 1, 16_777_216),
    auditMaxLen: integer(r, 'MNEMO_AUDIT_MAX_LEN', 1_000_000, 1000, 1_000_000_000),
    auditMaxEntryBytes: integer(r, 'MNEMO_AUDIT_MAX_ENTRY_BYTES', 16_384, 256, 1_048_576),
    signalStreamMaxLen: integer(r, 'MNEMO_SIGNAL_STREAM_MAX_LEN', 10_000, 10, 100_000_000),
    signalBufferMessages: integer(r, 'MNEMO_SIGNAL_BUFFER_MESSAGES', 1000, 1, 1_000_000),
    signalMaxPayloadBytes: integer(r, 'MNEMO_SIGNAL_MAX_PAYLOAD_BYTES', 65_536, 16, 16_777_216),
    redisPoolSize: integer(r, 'MNEMO_REDIS_POOL_SIZE', 16, 1, 1000),
    sessionTtlMs: integer(r, 'MNEMO_SESSION_TTL_MS', 30_000, 100, 86_400_000),
    sessionMaxTtlMs: integer(r, 'MNEMO_SESSION_MAX_TTL_MS', 3_600_000, 100, 86_400_000),
    sessionTxRetention: integer(r, 'MNEMO_SESSION_TX_RETENTION', 10_000, 100, 10_000_000),
    sessionSweepIntervalMs: integer(r, 'MNEMO_SESSION_SWEEP_INTERVAL_MS', 1000, 50, 60_000),
    sessionChangesMaxLen: integer(r, 'MNEMO_SESSION_CHANGES_MAX_LEN', 100_000, 1000, 100_000_000),
    batchWindowMs: integer(r, 'MNEMO_BATCH_WINDOW_MS', 10, 0, 1000),
    batchMax: integer(r, 'MNEMO_BATCH_MAX', 64, 1, 4096),
    batchConcurrency: integer(r, 'MNEMO_BATCH_CONCURRENCY', availableParallelism(), 1, 64),
    batchSearchSlots: integer(
      r,
      'MNEMO_BATCH_SEARCH_SLOTS',
      Math.max(1, availableParallelism() - 1),
      1,
      4096,
    ),
    recordCacheMaxBytes: integer(r, 'MNEMO_RECORD_CACHE_MAX_BYTES', 67_108_864, 0, 2 ** 40),
    recordCacheMaxAgeMs: integer(r, 'MNEMO_RECORD_CACHE_MAX_AGE_MS', 1000, 0, 3_600_000),
    resultCacheTtlMs: integer(r, 'MNEMO_RESULT_CACHE_TTL_MS', 1000, 0, 3_600_000),
    resultCacheMaxBytes: integer(r, 'MNEMO_RESULT_CACHE_MAX_BYTES', 16_777_216, 0, 2 ** 40),
    requestIdWindowMs: integer(r, 'MNEMO_REQUEST_ID_WINDOW_MS', 3_600_000, 1000, 604_800_000),
    asOfRetentionMs: integer(r, 'MNEMO_ASOF_RETENTION_MS', 7_776_000_000, 0, 3_153_600_000_000),
    rankingWSimilarity: decimal(r, 'MNEMO_RANKING_W_SIMILARITY', 1, 0, 1e6),
    rankingWOutcome: decimal(r, 'MNEMO_RANKING_W_OUTCOME', 0.5, 0, 1e6),
    rankingWRecency: decimal(r, 'MNEMO_RANKING_W_RECENCY', 0.25, 0, 1e6),
    rankingRecencyHalfLifeS: decimal(r, 'MNEMO_RANKING_RECENCY_HALF_LIFE_S', 86_400, 1e-3, 1e12),
    rankingWRegime: decimal(r, 'MNEMO_RANKING_W_REGIME', 0.25, 0, 1e6),
    rankingWSharpe: decimal(r, 'MNEMO_RANKING_W_SHARPE', 0.5, 0, 1e6),
    rankingWWinRate: decimal(r, 'MNEMO_RANKING_W_WIN_RATE', 0.25, 0, 1e6),
    rankingHeadroom: integer(r, 'MNEMO_RANKING_HEADROOM', 8, 1, 1000),
    rankingMaxHeadroom: integer(r, 'MNEMO_RANKING_MAX_HEADROOM', 32, 1, 10_000),
    datasetCheckIntervalMs: integer(r, 'MNEMO_DATASET_CHECK_INTERVAL_MS', 1000, 100, 3_600_000),
    reconcilePerSecond: integer(r, 'MNEMO_RECONCILE_PER_SECOND', 10_000, 0, 10_000_000),
    searchPipeline: choice(r, 'MNEMO_SEARCH_PIPELINE', 'batched', ['batched', 'naive']),
    redisReplicaUrls: redisUrlList(r, 'MNEMO_REDIS_REPLICA_URLS'),
    maxReplicaLagMs: integer(r, 'MNEMO_MAX_REPLICA_LAG_MS', 1000, 1, 3_600_000),
    redisSentinels: hostPorts(r, 'MNEMO_REDIS_SENTINELS'),
    redisSentinelMaster: r.read('MNEMO_REDIS_SENTINEL_MASTER') ?? 'mymaster',
    writeMinReplicas: integer(r, 'MNEMO_WRITE_MIN_REPLICAS', 0, 0, 100),
    writeReplicaTimeoutMs: integer(r, 'MNEMO_WRITE_REPLICA_TIMEOUT_MS', 1000, 1, 60_000),
    snapshotIntervalMs: integer(r, 'MNEMO_SNAPSHOT_INTERVAL_MS', 600_000, 0, 86_400_000),
    rateLimits: rateLimits(r),
    rateLimitsOnly: boolean(r, 'MNEMO_RATE_LIMITS_ONLY', false),
    metricsAddress: address(r, 'MNEMO_METRICS_ADDRESS', '0.0.0.0:9464'),
    shutdownGraceMs: integer(r, 'MNEMO_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
  };
  r.check(() => {
    if (config.sessionTtlMs > config.sessionMaxTtlMs) {
      throw new ConfigError(
        `MNEMO_SESSION_TTL_MS (${config.sessionTtlMs}) must be at most MNEMO_SESSION_MAX_TTL_MS ` +
          `(${config.sessionMaxTtlMs})`,
      );
    }
  }, undefined);
  return Object.freeze(config);
}
