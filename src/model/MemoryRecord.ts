/** The two kinds of memory mnemo stores. */
export type MemoryKind = 'episodic' | 'semantic';

/** Every kind, in the order they are rebuilt, saved and calibrated. */
export const KINDS: readonly MemoryKind[] = Object.freeze(['episodic', 'semantic']);

/**
 * A memory of either kind in its storage-neutral shape: the vector, the tag attributes (exact
 * match) and the numeric attributes (ranges), by the contract's field names.
 */
export interface MemoryRecord {
  id: string;
  vector: Float32Array;
  tags: Record<string, string>;
  numbers: Record<string, number>;
  payload: Buffer;
  /**
   * Kinds with an outcome (MemorySchema.outcome): the memory's earlier outcomes, oldest first,
   * each seen from its knownAt until the next one's (the last until the record's own known-at).
   * Absent or empty: none (src/model/asOf.ts).
   */
  versions?: readonly OutcomeVersion[];
}

/** An earlier outcome of a memory: its outcome fields' values, and when it became known. */
export interface OutcomeVersion {
  knownAt: number;
  tags: Record<string, string>;
  numbers: Record<string, number>;
}

/** The attribute part of a memory, without vector or payload. */
export type MemoryAttributes = Pick<MemoryRecord, 'tags' | 'numbers' | 'versions'>;
