import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('memoriesExist');
const reply = new ReplyReader(script.name);

/** Whether each key exists, in the order given (one script call for all of them). */
export async function memoriesExist(redis: Redis, keys: readonly string[]): Promise<boolean[]> {
  if (keys.length === 0) return [];
  const flags = reply.string(await script.run(redis, keys, []), 'the flags');
  if (flags.length !== keys.length) reply.fail(`${flags.length} flags for ${keys.length} keys`);
  return Array.from(flags, (flag) => flag === '1');
}
