import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { memoryChangeArgs, memoryChangeKeys, type MemoryChangeInput } from './memoryChanges.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('touchMemories');
const reply = new ReplyReader(script.name);

export interface TouchResult {
  /** The change entry's id; null when no memory existed (no entry is written). */
  streamId: string | null;
  /** Redis time of the touch, unix seconds. */
  now: number;
  /** New access_count per memory, in input order; -1 where the memory no longer exists. */
  accessCounts: number[];
}

/**
 * Counts one recall of each memory (access_count + 1, last_accessed = Redis time) and appends one
 * `a` change entry for those that exist, atomically.
 */
export async function touchMemories(redis: Redis, input: MemoryChangeInput): Promise<TouchResult> {
  const [streamId, now, counts] = reply.array(
    await script.run(redis, memoryChangeKeys(input), memoryChangeArgs(input)),
    'the reply',
    3,
  );
  return {
    streamId: reply.stringOrNull(streamId, 'the stream id'),
    now: reply.numericText(now, 'now'),
    accessCounts: reply
      .array(counts, 'the access counts', input.memories.length)
      .map((count) => reply.integer(count, 'an access count')),
  };
}
