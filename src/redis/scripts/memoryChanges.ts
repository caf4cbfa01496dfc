/**
 * The input shared by the scripts that change memories and append one change-stream entry for
 * them (deleteMemories, touchMemories): KEYS = the stream, then one hash per memory; ARGV = the
 * stream's MAXLEN, the kind, the write token, then the ids in the order of their hashes.
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

/** The guard's two ARGV values (the field, the owners as JSON); `''` and `[]` for none. */
export function ownerGuardArgs(guard: OwnerGuard | null): [string, string] {
  return guard === null ? ['', '[]'] : [guard.field, JSON.stringify(guard.owners)];
}

export function memoryChangeKeys(input: MemoryChangeInput): string[] {
  return [input.stream, ...input.memories.map((m) => m.key)];
}

export function memoryChangeArgs(input: MemoryChangeInput): string[] {
  return [String(input.maxLen), input.kind, input.writeToken, ...input.memories.map((m) => m.id)];
}
