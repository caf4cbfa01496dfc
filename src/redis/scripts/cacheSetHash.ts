import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('cacheSetHash');
const reply = new ReplyReader(script.name);

export interface CacheSetHashInput {
  /** The hash's key. */
  key: string;
  fields: Readonly<Record<string, string>>;
  /** Time to live in ms; 0 keeps the current expiry (none for a new hash). */
  ttlMs: number;
}

/** Writes fields of a hash and, when asked, its expiry, atomically; returns how many were new. */
export async function cacheSetHash(redis: Redis, input: CacheSetHashInput): Promise<number> {
  const args: string[] = [String(input.ttlMs)];
  for (const [field, value] of Object.entries(input.fields)) args.push(field, value);
  return reply.integer(await script.run(redis, [input.key], args), 'the number of new fields');
}
