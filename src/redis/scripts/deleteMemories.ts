import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import {
  memoryChangeKeys,
  guardedChangeArgs,
  type MemoryChangeInput,
  type OwnerGuard,
} from './memoryChanges.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('deleteMemories');
const reply = new ReplyReader(script.name);

export interface DeleteMemoriesResult {
  /** How many of the memories existed (and were deleted). */
  deleted: number;
  /** The change entry's id; null when none existed (no entry is written). */
  streamId: string | null;
}

/**
 * Deletes memory hashes and appends one `d` change entry for those that existed, atomically;
 * with a guard, memories of other owners are left alone and not counted.
 */
export async function deleteMemories(
  redis: Redis,
  input: MemoryChangeInput,
  guard: OwnerGuard | null,
): Promise<DeleteMemoriesResult> {
  const args = [...guardedChangeArgs(input, guard), ...input.memories.map((m) => m.id)];
  const [deleted, streamId] = reply.array(
    await script.run(redis, memoryChangeKeys(input), args),
    'the reply',
    2,
  );
  return {
    deleted: reply.integer(deleted, 'the number deleted'),
    streamId: reply.stringOrNull(streamId, 'the stream id'),
  };
}
