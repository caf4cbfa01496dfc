/**
 * The change stream's entry format, defined once for TypeScript: MemoryStore writes upserts'
 * entries with it and parses every entry with it. The Lua scripts that append entries
 * (deleteMemories, touchMemories) include the Lua side of the same format,
 * `lua/lib/changeStream.lua`; the two are kept equal field for field.
 *
 * One entry per write of memories of one kind, fields in this order:
 * - `k`   the memory kind;
 * - `op`  `u` upserted (the vector may have changed), `a` attributes only, `d` deleted;
 * - `w`   the write token of the writer (instance + sequence);
 * - `ids` the memory ids, a JSON array of strings.
 */

/** u = upserted (vector may have changed), a = attributes only, d = deleted. */
export type ChangeOp = 'u' | 'a' | 'd';

/** One entry of the change stream. */
export interface ChangeEntry {
  /** Stream id, `ms-seq`. */
  streamId: string;
  kind: string;
  op: ChangeOp;
  /** Token of the write that made it (instance + sequence). */
  writeToken: string;
  ids: string[];
}

/** A change to append: an entry before Redis gives it its id. */
export type Change = Omit<ChangeEntry, 'streamId'>;

const FIELD = { kind: 'k', op: 'op', writeToken: 'w', ids: 'ids' } as const;

/** The entry's field-value list, as XADD takes it. */
export function changeFields(change: Change): string[] {
  return [
    FIELD.kind,
    change.kind,
    FIELD.op,
    change.op,
    FIELD.writeToken,
    change.writeToken,
    FIELD.ids,
    JSON.stringify(change.ids),
  ];
}

/**
 * An entry as XREAD/XRANGE return it. Lenient: a missing field reads as empty, unreadable ids as
 * none, and an unknown op as `u` (the index then re-reads the memories, which is always safe).
 */
export function parseChange(streamId: string, flat: readonly string[]): ChangeEntry {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] ?? '', flat[i + 1] ?? '');
  const op = fields.get(FIELD.op);
  let ids: unknown;
  try {
    ids = JSON.parse(fields.get(FIELD.ids) ?? '[]');
  } catch {
    ids = [];
  }
  return {
    streamId,
    kind: fields.get(FIELD.kind) ?? '',
    op: op === 'd' || op === 'a' ? op : 'u',
    writeToken: fields.get(FIELD.writeToken) ?? '',
    ids: Array.isArray(ids) ? ids.map(String) : [],
  };
}
