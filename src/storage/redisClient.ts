import { Redis } from 'ioredis';
import type { Logger } from 'pino';

function logErrors(client: Redis, log: Logger | undefined, name: string): Redis {
  client.on('error', (error: Error) => {
    log?.warn({ connection: name, err: error.message }, 'redis connection error');
  });
  return client;
}

/** A client for commands: auto-pipelined, failing fast rather than queueing while offline. */
export function createRedisClient(url: string, name: string, log?: Logger): Redis {
  const client = new Redis(url, {
    connectionName: name,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  return logErrors(client, log, name);
}

/** A dedicated connection for blocking reads (XREAD BLOCK): never shared with other commands. */
export function createBlockingClient(url: string, name: string, log?: Logger): Redis {
  const client = new Redis(url, {
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
