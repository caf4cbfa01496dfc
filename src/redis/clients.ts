import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** Where a Redis is: a URL, or a master name known to Sentinels (followed across failovers). */
export type RedisTarget =
  | string
  | {
      sentinels: readonly { host: string; port: number }[];
      masterName: string;
      /** Optional redis:// URL whose credentials and database are used. */
      url?: string;
    };

const ERROR_LOG_INTERVAL_MS = 30_000;

function logErrors(client: Redis, log: Logger | undefined, name: string): Redis {
  let lastLogged = 0;
  let suppressed = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) {
      suppressed++;
      return;
    }
    log?.warn({ connection: name, err: error.message, suppressed }, 'redis connection error');
    lastLogged = now;
    suppressed = 0;
  });
  return client;
}

function build(target: RedisTarget, options: RedisOptions): Redis {
  if (typeof target === 'string') return new Redis(target, options);
  const auth: RedisOptions = {};
  if (target.url !== undefined) {
    const url = new URL(target.url);
    if (url.username !== '') auth.username = decodeURIComponent(url.username);
    if (url.password !== '') auth.password = decodeURIComponent(url.password);
    const db = Number(url.pathname.slice(1));
    if (Number.isInteger(db) && db > 0) auth.db = db;
  }
  return new Redis({
    ...auth,
    ...options,
    sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: target.masterName,
    role: 'master',
  });
}

/**
 * A client for commands: auto-pipelined, and failing fast while disconnected (no offline queue)
 * so that circuit breakers see outages at once instead of requests piling up.
 */
export function createRedisClient(target: RedisTarget, name: string, log?: Logger): Redis {
  const client = build(target, {
    connectionName: name,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
  return logErrors(client, log, name);
}

/** A dedicated connection for blocking reads (XREAD BLOCK): never shared with other commands. */
export function createBlockingClient(target: RedisTarget, name: string, log?: Logger): Redis {
  const client = build(target, {
    connectionName: name,
    maxRetriesPerRequest: null,
    lazyConnect: true,
  });
  return logErrors(client, log, name);
}

/** Whether a Redis answers PING at `url` within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
