import type { OutcomeVersion } from '../model/MemoryRecord.js';
import type { MemorySchema, OutcomeSchema } from '../model/MemorySchema.js';
import type { OutcomeVersioning } from './scripts/upsertMemories.js';

/**
 * The hash field holding a memory's earlier outcomes, as upsertMemories.lua writes it: JSON
 * `[[known at, [value of each outcome field, in OutcomeSchema.fields order]], ...]`, oldest
 * first, values as the hash holds them (strings).
 */
export const VERSIONS_FIELD = 'outcome_versions';

/** What the upsert script needs to keep outcome versions of `schema` (null: a kind without). */
export function outcomeVersioning(
  schema: MemorySchema,
  retentionSeconds: number,
  nowSeconds: number,
): OutcomeVersioning | null {
  const outcome = schema.outcome;
  if (outcome === null) return null;
  return {
    known: outcome.knownAtField,
    time: outcome.timeField,
    list: VERSIONS_FIELD,
    fields: outcome.fields,
    // JSON has no -Infinity: the lowest double keeps every version (no retention).
    cutoff: retentionSeconds > 0 ? nowSeconds - retentionSeconds : -Number.MAX_VALUE,
  };
}

/** The versions a hash's VERSIONS_FIELD holds; [] for text that is not a list of versions. */
export function parseVersions(
  schema: MemorySchema,
  outcome: OutcomeSchema,
  text: string,
): OutcomeVersion[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const tagFields = new Set(schema.tagFields);
  const versions: OutcomeVersion[] = [];
  for (const item of parsed as unknown[]) {
    if (!Array.isArray(item) || !Array.isArray(item[1])) continue;
    const values = item[1] as unknown[];
    const version: OutcomeVersion = { knownAt: Number(item[0]), tags: {}, numbers: {} };
    outcome.fields.forEach((field, i) => {
      const raw = values[i];
      const value = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
      if (tagFields.has(field)) version.tags[field] = value;
      else version.numbers[field] = Number(value);
    });
    versions.push(version);
  }
  return versions;
}
