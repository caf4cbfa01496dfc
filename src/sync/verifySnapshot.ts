import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import type { ChangeOp } from '../redis/changeStream.js';
import type { MemoryStore } from '../redis/MemoryStore.js';
import type { MemoryIndex } from '../index/MemoryIndex.js';
import type { LoadedSnapshot } from './IndexSnapshots.js';

/**
 * Memories of each kind compared with Redis when a snapshot is loaded: every one of an index of
 * at most this many, else this many drawn at random. 256 reads of a hash with its vector cost a
 * few milliseconds; a corruption touching 2% of the memories is missed with odds below 1 in 150.
 */
export const SAMPLE_SIZE = 256;

/** Change entries read per page when disagreements are checked against the stream. */
const PAGE = 1000;

/**
 * Why a loaded snapshot (already checked to be of this dataset, with every change since its
 * position still in the stream) must not be used, or null when a sample of its memories agrees
 * with Redis: each sampled memory is read from the master and must exist there with the vector
 * the graph stores for it (same direction, within float16 rounding where the graph stores that)
 * and the attributes and payload the index holds.
 *
 * A memory changed or deleted after the snapshot's position differs rightly; the replay after
 * loading applies that change. So a disagreement counts only when no change entry after the
 * position that would repair it names that memory: any entry for a memory missing from Redis or
 * differing in attributes or payload, an upsert or deletion (not an attributes-only entry, whose
 * replay keeps the stored vector) for one differing in its vector. The hashes are read before the
 * stream, and a write changes a hash and appends its entry atomically (one script), so a changed
 * hash seen here always has its entry in the stream by the time the stream is read: a
 * disagreement left over is corruption.
 */
export async function verifySnapshot(
  store: MemoryStore,
  snapshot: LoadedSnapshot,
  random: () => number = Math.random,
): Promise<string | null> {
  const suspects = new Map<MemoryKind, Difference[]>();
  for (const kind of KINDS) {
    const differing = await differingMemories(store, snapshot.indexes[kind], kind, random);
    if (differing.length > 0) suspects.set(kind, differing);
  }
  if (suspects.size === 0) return null;
  const changes = await changesSince(store, snapshot.meta.position);
  for (const [kind, differences] of suspects) {
    const unexplained = differences.filter(({ id, vector }) => {
      const ops = changes.get(`${kind}\n${id}`);
      return ops === undefined || (vector && !ops.has('u') && !ops.has('d'));
    });
    if (unexplained.length > 0) {
      const example = unexplained[0]?.id ?? '';
      return `${unexplained.length} sampled ${kind} memories differ from Redis (e.g. ${example})`;
    }
  }
  return null;
}

/** A sampled memory Redis holds otherwise; `vector`: its vector differs (or Redis lacks it). */
interface Difference {
  id: string;
  vector: boolean;
}

/** The sampled memories of an index that Redis holds otherwise, or not at all. */
async function differingMemories(
  store: MemoryStore,
  index: MemoryIndex,
  kind: MemoryKind,
  random: () => number,
): Promise<Difference[]> {
  const ids = sample(index.ids(), SAMPLE_SIZE, random);
  const stored = await store.get(SCHEMAS[kind], ids, true, 'master');
  const differences: Difference[] = [];
  ids.forEach((id, i) => {
    const record = stored[i] ?? null;
    if (record === null) differences.push({ id, vector: false });
    else if (!index.storesVector(id, record.vector)) differences.push({ id, vector: true });
    else if (!index.isCurrent(id, record)) differences.push({ id, vector: false });
  });
  return differences;
}

/** Per `kind\nid` named by a change entry after `position`: the ops of those entries. */
async function changesSince(
  store: MemoryStore,
  position: string,
): Promise<Map<string, Set<ChangeOp>>> {
  const changes = new Map<string, Set<ChangeOp>>();
  let after = position;
  for (;;) {
    const entries = await store.changesAfter(after, PAGE);
    for (const entry of entries) {
      for (const id of entry.ids) {
        const key = `${entry.kind}\n${id}`;
        const ops = changes.get(key) ?? new Set<ChangeOp>();
        ops.add(entry.op);
        changes.set(key, ops);
      }
    }
    if (entries.length < PAGE) return changes;
    after = entries[entries.length - 1]?.streamId ?? after;
  }
}

/** Up to `n` of `items`, drawn without repetition (all of them when there are at most `n`). */
function sample<T>(items: T[], n: number, random: () => number): T[] {
  if (items.length <= n) return items;
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (items.length - i));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items.slice(0, n);
}
