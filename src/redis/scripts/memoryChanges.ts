/**
 * The input shared by the scripts that change memories and append one change-stream entry for
 * them (upsertMemories, deleteMemories, touchMemories): KEYS = the stream, then one hash per
 * memory; ARGV = the stream's MAXLEN, the kind, the write token, then (upsert and delete) the
 * owner guard's two values, then per memory its id (and, for upserts, its fields).
 */
export interface MemoryChangeInput {
  /** The change stream's key. */
  stream: string;
  /** The stream's approximate MAXLEN. */
  maxLen: number;
  kind: string;
  /** Token of the write (instance + sequence), recorded in the entry. */
  writeToken: string;
  /** The memories, each with its hash's key. */
  memories: readonly { id: string; key: string }[];
}

/**
 * Confines a write to memories owned by some agents: a memory whose `field` holds a value not in
 * `owners` is not written (upsert: the whole write is refused; delete: it is left alone).
 */
export interface OwnerGuard {
  readonly field: string;
  readonly owners: readonly string[];
}

export function memoryChangeKeys(input: MemoryChangeInput): string[] {
  return [input.stream, ...input.memories.map((m) => m.key)];
}

/** ARGV before the memories: MAXLEN, kind, write token, and the guard's field and owners. */
export function guardedChangeArgs(input: MemoryChangeInput, guard: OwnerGuard | null): string[] {
  const [field, owners] = guard === null ? ['', '[]'] : [guard.field, JSON.stringify(guard.owners)];
  return [...changeHead(input), field, owners];
}

export function memoryChangeArgs(input: MemoryChangeInput): string[] {
  return [...changeHead(input), ...input.memories.map((m) => m.id)];
}

function changeHead(input: MemoryChangeInput): string[] {
  return [String(input.maxLen), input.kind, input.writeToken];
}
