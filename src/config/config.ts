/** Service configuration, parsed once from the environment at start and frozen. */
export interface Config {
  readonly grpcAddress: string;
  /** Redis URL; null means "the default": 127.0.0.1:6379 if it answers, else a local child. */
  readonly redisUrl: string | null;
  readonly keyPrefix: string;
  readonly vectorDim: number;
  readonly maxK: number;
  readonly maxBatch: number;
  readonly hnswM: number;
  readonly hnswEfConstruction: number;
  readonly efRuntime: number;
  readonly exactSearchMaxCandidates: number;
  readonly changeStreamMaxLen: number;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Largest CacheService value (and hash write), in bytes. */
  readonly cacheMaxValueBytes: number;
  /** Approximate cap of the audit log stream, in entries. */
  readonly auditMaxLen: number;
  /** Largest audit entry (sum of its text fields), in bytes. */
  readonly auditMaxEntryBytes: number;
  /** Dedicated blocking Redis connections for audit Tail streams: at most this many tails. */
  readonly redisPoolSize: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Raised at start when the environment holds an invalid setting; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function address(env: Env, name: string, fallback: string): string {
  const value = read(env, name) ?? fallback;
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(value)) {
    throw new ConfigError(`${name} must be host:port, got "${value}"`);
  }
  return value;
}

function redisUrl(env: Env, name: string): string | null {
  const value = read(env, name);
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a redis:// or rediss:// URL, got "${value}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`${name} must be a redis:// or rediss:// URL, got "${url.protocol}"`);
  }
  return value;
}

/** Parses and validates the MNEMO_* environment variables. */
export function loadConfig(env: Env = process.env): Config {
  const keyPrefix = env.MNEMO_KEY_PREFIX ?? '';
  if (/[\s*?[\]]/.test(keyPrefix)) {
    throw new ConfigError('MNEMO_KEY_PREFIX must not contain spaces or glob characters (* ? [ ])');
  }
  const logLevel = (read(env, 'MNEMO_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`MNEMO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const config: Config = {
    grpcAddress: address(env, 'MNEMO_GRPC_ADDRESS', '0.0.0.0:50051'),
    redisUrl: redisUrl(env, 'MNEMO_REDIS_URL'),
    keyPrefix,
    vectorDim: integer(env, 'MNEMO_VECTOR_DIM', 256, 2, 4096),
    maxK: integer(env, 'MNEMO_MAX_K', 1000, 1, 100_000),
    maxBatch: integer(env, 'MNEMO_MAX_BATCH', 1000, 1, 100_000),
    hnswM: integer(env, 'MNEMO_HNSW_M', 16, 4, 128),
    hnswEfConstruction: integer(env, 'MNEMO_HNSW_EF_CONSTRUCTION', 200, 10, 2000),
    efRuntime: integer(env, 'MNEMO_EF_RUNTIME', 64, 1, 10_000),
    exactSearchMaxCandidates: integer(
      env,
      'MNEMO_EXACT_SEARCH_MAX_CANDIDATES',
      4096,
      0,
      10_000_000,
    ),
    changeStreamMaxLen: integer(env, 'MNEMO_CHANGE_STREAM_MAX_LEN', 100_000, 1000, 100_000_000),
    dataDir: read(env, 'MNEMO_DATA_DIR') ?? 'data',
    logLevel,
    cacheMaxValueBytes: integer(env, 'MNEMO_CACHE_MAX_VALUE_BYTES', 1_048_576, 1, 16_777_216),
    auditMaxLen: integer(env, 'MNEMO_AUDIT_MAX_LEN', 1_000_000, 1000, 1_000_000_000),
    auditMaxEntryBytes: integer(env, 'MNEMO_AUDIT_MAX_ENTRY_BYTES', 16_384, 256, 1_048_576),
    redisPoolSize: integer(env, 'MNEMO_REDIS_POOL_SIZE', 16, 1, 1000),
  };
  return Object.freeze(config);
}
