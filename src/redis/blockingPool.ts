import { createPool, type Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createBlockingClient, type RedisTarget } from './clients.js';

export interface BlockingPoolOptions {
  /** Most connections open at once. */
  size: number;
  /** connectionName of each connection (CLIENT LIST shows it). */
  name: string;
  /** How long an acquire may wait for a connection to be created. */
  acquireTimeoutMs: number;
  /** Where connection errors are logged (warn). */
  log?: Logger;
}

/**
 * A pool of dedicated connections for blocking reads (XREAD BLOCK), created on demand. A
 * connection whose blocked read must be interrupted is destroyed (disconnected), not released;
 * the pool opens a fresh one when next needed.
 */
export function createBlockingPool(target: RedisTarget, options: BlockingPoolOptions): Pool<Redis> {
  return createPool<Redis>(
    {
      create: async () => {
        const connection = createBlockingClient(target, options.name, options.log);
        try {
          await connection.connect();
        } catch (error) {
          connection.disconnect();
          throw error;
        }
        return connection;
      },
      destroy: async (connection) => {
        connection.disconnect();
        return Promise.resolve();
      },
    },
    { max: options.size, min: 0, acquireTimeoutMillis: options.acquireTimeoutMs },
  );
}

/** Waits for borrowed connections to come back, then closes every connection. */
export async function closeBlockingPool(pool: Pool<Redis>): Promise<void> {
  await pool.drain();
  await pool.clear();
}
