import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { memoryChangeArgs, memoryChangeKeys, type MemoryChangeInput } from './memoryChanges.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('deleteMemories');
const reply = new ReplyReader(script.name);

export interface DeleteMemoriesResult {
  /** How many of the memories existed (and were deleted). */
  deleted: number;
  /** The change entry's id; null when none existed (no entry is written). */
  streamId: string | null;
}

/** Deletes memory hashes and appends one `d` change entry for those that existed, atomically. */
export async function deleteMemories(
  redis: Redis,
  input: MemoryChangeInput,
): Promise<DeleteMemoriesResult> {
  const [deleted, streamId] = reply.array(
    await script.run(redis, memoryChangeKeys(input), memoryChangeArgs(input)),
    'the reply',
    2,
  );
  return {
    deleted: reply.integer(deleted, 'the number deleted'),
    streamId: reply.stringOrNull(streamId, 'the stream id'),
  };
}
