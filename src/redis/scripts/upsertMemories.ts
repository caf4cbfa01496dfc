import type { Redis } from 'ioredis';
import type { ScriptArg } from './loader.js';
import { LuaScript } from './loader.js';
import {
  memoryChangeKeys,
  guardedChangeArgs,
  type MemoryChangeInput,
  type OwnerGuard,
} from './memoryChanges.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('upsertMemories');
const reply = new ReplyReader(script.name);

/** The hash of each memory of the input, in its order: field → value. */
export type MemoryHashes = readonly Readonly<Record<string, string | Buffer>>[];

/** The change entry's id, or the index of the first memory the guard refused (nothing written). */
export type UpsertMemoriesResult = { streamId: string } | { refused: number };

/** Replaces memory hashes and appends one `u` change entry for them, atomically. */
export async function upsertMemories(
  redis: Redis,
  input: MemoryChangeInput,
  hashes: MemoryHashes,
  guard: OwnerGuard | null,
): Promise<UpsertMemoriesResult> {
  const args: ScriptArg[] = guardedChangeArgs(input, guard);
  input.memories.forEach((memory, i) => {
    const fields = Object.entries(hashes[i] ?? {});
    args.push(memory.id, fields.length);
    for (const [field, value] of fields) args.push(field, value);
  });
  const [streamId, refused] = reply.array(
    await script.run(redis, memoryChangeKeys(input), args),
    'the reply',
    2,
  );
  const id = reply.stringOrNull(streamId, 'the stream id');
  return id === null
    ? { refused: reply.integer(refused, 'the refused memory') - 1 }
    : { streamId: id };
}
