import type { MemoryKind } from './MemoryRecord.js';

/** Field layout of one kind of memory, shared by storage, index and transport. */
export interface MemorySchema {
  readonly kind: MemoryKind;
  readonly vectorField: string;
  readonly tagFields: readonly string[];
  readonly numericFields: readonly string[];
  /** The tag field naming a memory's owning agent (token scopes), or null for shared memories. */
  readonly ownerField: string | null;
  /** How the kind is seen as of a past time (src/model/asOf.ts), or null: always as it is. */
  readonly outcome: OutcomeSchema | null;
}

/**
 * The fields of a memory that hold its outcome, and the two times as-of queries read: when the
 * memory happened (it does not exist before) and when its outcome became known (its outcome
 * fields are unknown before). Outcome fields are tag or numeric fields of the schema; adding one
 * is adding it to `fields`.
 */
export interface OutcomeSchema {
  readonly timeField: string;
  readonly knownAtField: string;
  readonly fields: readonly string[];
}

export const EPISODIC_SCHEMA: MemorySchema = Object.freeze({
  kind: 'episodic',
  vectorField: 'state_vector',
  tagFields: ['agent_id', 'product_id', 'regime', 'terminal'],
  numericFields: ['reward', 'timestamp', 'outcome_known_at'],
  ownerField: 'agent_id',
  outcome: {
    timeField: 'timestamp',
    knownAtField: 'outcome_known_at',
    fields: ['reward', 'terminal'],
  },
});

export const SEMANTIC_SCHEMA: MemorySchema = Object.freeze({
  kind: 'semantic',
  vectorField: 'concept_vector',
  tagFields: ['memory_type', 'regime_name'],
  numericFields: ['sharpe_ratio', 'win_rate', 'access_count', 'last_accessed'],
  ownerField: null,
  outcome: null,
});

export const SCHEMAS: Readonly<Record<MemoryKind, MemorySchema>> = Object.freeze({
  episodic: EPISODIC_SCHEMA,
  semantic: SEMANTIC_SCHEMA,
});
