import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('cacheIncrementBy');
const reply = new ReplyReader(script.name);

export interface CacheIncrementByInput {
  /** The hash's key. */
  key: string;
  field: string;
  delta: number;
  /** Time to live in ms; 0 keeps the current expiry (none for a new hash). */
  ttlMs: number;
}

/** Adds to a numeric field of a hash and, when asked, sets its expiry, atomically; the new value. */
export async function cacheIncrementBy(
  redis: Redis,
  input: CacheIncrementByInput,
): Promise<number> {
  const args = [input.field, String(input.delta), String(input.ttlMs)];
  return reply.numericText(await script.run(redis, [input.key], args), 'the new value');
}
