import type { Redis } from 'ioredis';
import type { ScriptArg } from './loader.js';
import { LuaScript } from './loader.js';
import { guardedChangeArgs, type MemoryChangeInput, type OwnerGuard } from './memoryChanges.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('upsertMemories');
const reply = new ReplyReader(script.name);

/** The hash of each memory of the input, in its order: field → value. */
export type MemoryHashes = readonly Readonly<Record<string, string | Buffer>>[];

/** A request made safe to retry: its record's key, how long it is kept, and its digest. */
export interface RequestRecord {
  readonly key: string;
  readonly windowMs: number;
  readonly digest: string;
}

/**
 * How replaced memories keep their earlier outcomes (lua/upsertMemories.lua, ARGV[8]): the
 * known-at and time fields, the hash field holding the versions, the outcome fields, and the
 * cutoff (unix seconds) a version whose successor was known by is dropped.
 */
export interface OutcomeVersioning {
  readonly known: string;
  readonly time: string;
  readonly list: string;
  readonly fields: readonly string[];
  readonly cutoff: number;
}

/**
 * What an upsert did: wrote (the change entry's id); refused (the index of the first memory the
 * guard refused; nothing written); found the request made before (nothing written: the first
 * call's entry and ids); or found its id used by another request (nothing written).
 */
export type UpsertMemoriesResult =
  | { streamId: string }
  | { refused: number }
  | { repeated: { streamId: string; ids: string[] } }
  | { requestIdReused: true };

/**
 * Replaces memory hashes and appends one `u` change entry for them, atomically; with `request`,
 * only the first time that request is made within its window; with `versioning`, a memory's
 * earlier outcomes are kept as versions.
 */
export async function upsertMemories(
  redis: Redis,
  input: MemoryChangeInput,
  hashes: MemoryHashes,
  guard: OwnerGuard | null,
  request: RequestRecord | null = null,
  versioning: OutcomeVersioning | null = null,
): Promise<UpsertMemoriesResult> {
  const args: ScriptArg[] = [
    ...guardedChangeArgs(input, guard),
    String(request?.windowMs ?? 0),
    request?.digest ?? '',
    versioning === null ? '' : JSON.stringify(versioning),
  ];
  input.memories.forEach((memory, i) => {
    const fields = Object.entries(hashes[i] ?? {});
    args.push(memory.id, fields.length);
    for (const [field, value] of fields) args.push(field, value);
  });
  // KEYS[2] is the request's record; a key of the stream's own when there is no request id.
  const keys = [input.stream, request?.key ?? input.stream, ...input.memories.map((m) => m.key)];
  const answer = reply.array(await script.run(redis, keys, args), 'the reply');
  const id = reply.stringOrNull(answer[0], 'the stream id');
  const code = reply.integer(answer[1], 'the outcome');
  if (code === -2) return { requestIdReused: true };
  if (id === null) return { refused: code - 1 };
  if (code === -1) {
    const ids = reply.array(answer[2], 'the ids').map((i) => reply.string(i, 'an id'));
    return { repeated: { streamId: id, ids } };
  }
  return { streamId: id };
}
