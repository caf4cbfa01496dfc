import type { MemoryKind } from './MemoryRecord.js';

/** Field layout of one kind of memory, shared by storage, index and transport. */
export interface MemorySchema {
  readonly kind: MemoryKind;
  readonly vectorField: string;
  readonly tagFields: readonly string[];
  readonly numericFields: readonly string[];
  /** The tag field naming a memory's owning agent (token scopes), or null for shared memories. */
  readonly ownerField: string | null;
}

export const EPISODIC_SCHEMA: MemorySchema = Object.freeze({
  kind: 'episodic',
  vectorField: 'state_vector',
  tagFields: ['agent_id', 'product_id', 'regime', 'terminal'],
  numericFields: ['reward', 'timestamp'],
  ownerField: 'agent_id',
});

export const SEMANTIC_SCHEMA: MemorySchema = Object.freeze({
  kind: 'semantic',
  vectorField: 'concept_vector',
  tagFields: ['memory_type', 'regime_name'],
  numericFields: ['sharpe_ratio', 'win_rate', 'access_count', 'last_accessed'],
  ownerField: null,
});

export const SCHEMAS: Readonly<Record<MemoryKind, MemorySchema>> = Object.freeze({
  episodic: EPISODIC_SCHEMA,
  semantic: SEMANTIC_SCHEMA,
});
