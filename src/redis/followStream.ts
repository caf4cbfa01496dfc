import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { resourceExhausted, unavailable } from '../model/errors.js';
import { newestStreamId } from './streamIds.js';

/** How to follow one Redis Stream live. */
export interface FollowOptions {
  /** The blocking connections of the instance (a follow holds one while it runs). */
  pool: Pool<Redis>;
  stream: string;
  /** Where to start: entries after this id; null = after the newest (only new ones). */
  after: string | null;
  /** Most entries one blocking read returns, and how long it blocks (then it is issued again). */
  readCount: number;
  blockMs: number;
  /** Ends the follow: the caller's cancellation, the service's shutdown. */
  stop: AbortSignal;
  /** What the follow is, in messages: "tail", "watch". */
  name: string;
  log: Logger;
}

/**
 * Follows a Redis Stream on a connection of the pool: every entry after `after()`, in order, to
 * `deliver` (one at a time: the next waits for it), until `stop` aborts, which interrupts a
 * blocking read at once (its connection is destroyed rather than returned). Refuses
 * RESOURCE_EXHAUSTED when every connection is held, UNAVAILABLE when none can be had.
 */
export async function followStream(
  options: FollowOptions,
  deliver: (id: string, fields: string[]) => Promise<void>,
): Promise<void> {
  const { pool, stop } = options;
  if (pool.borrowed + pool.pending >= pool.max) {
    throw resourceExhausted(
      `all ${pool.max} ${options.name} connections are in use; retry later`,
      1000,
    );
  }
  let connection: Redis;
  try {
    connection = await pool.acquire();
  } catch (error) {
    options.log.warn({ err: error }, `no Redis connection for a ${options.name}`);
    throw unavailable(`no Redis connection is available for the ${options.name}`, 1000);
  }
  let interrupted = false;
  const interrupt = (): void => {
    interrupted = true;
    connection.disconnect();
  };
  stop.addEventListener('abort', interrupt, { once: true });
  try {
    let position = options.after ?? (await newestStreamId(connection, options.stream));
    while (!stop.aborted) {
      let reply;
      try {
        reply = await connection.xread(
          'COUNT',
          options.readCount,
          'BLOCK',
          options.blockMs,
          'STREAMS',
          options.stream,
          position,
        );
      } catch (error) {
        if (stop.aborted) break;
        throw error;
      }
      if (reply === null) continue;
      for (const [, items] of reply) {
        for (const [id, fields] of items) {
          position = id;
          await deliver(id, fields);
          if (stop.aborted) break;
        }
      }
    }
  } finally {
    stop.removeEventListener('abort', interrupt);
    if (interrupted) await pool.destroy(connection);
    else await pool.release(connection);
  }
}
