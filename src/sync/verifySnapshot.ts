import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
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
 * position names that memory. The hashes are read before the stream, and a write changes a hash
 * and appends its entry atomically (one script), so a changed hash seen here always has its
 * entry in the stream by the time the stream is read: a disagreement left over is corruption.
 */
export async function verifySnapshot(
  store: MemoryStore,
  snapshot: LoadedSnapshot,
  random: () => number = Math.random,
): Promise<string | null> {
  const suspects = new Map<MemoryKind, string[]>();
  for (const kind of KINDS) {
    const differing = await differingMemories(store, snapshot.indexes[kind], kind, random);
    if (differing.length > 0) suspects.set(kind, differing);
  }
  if (suspects.size === 0) return null;
  const changed = await changedSince(store, snapshot.meta.position);
  for (const [kind, ids] of suspects) {
    const unexplained = ids.filter((id) => !changed.has(`${kind}\n${id}`));
    if (unexplained.length > 0) {
      return `${unexplained.length} sampled ${kind} memories differ from Redis (e.g. ${unexplained[0]})`;
    }
  }
  return null;
}

/** Ids of a sample of the index's memories that Redis holds otherwise (or not at all). */
async function differingMemories(
  store: MemoryStore,
  index: MemoryIndex,
  kind: MemoryKind,
  random: () => number,
): Promise<string[]> {
  const ids = sample(index.ids(), SAMPLE_SIZE, random);
  const stored = await store.get(SCHEMAS[kind], ids, true, 'master');
  return ids.filter((id, i) => {
    const record = stored[i] ?? null;
    return (
      record === null || !index.storesVector(id, record.vector) || !index.isCurrent(id, record)
    );
  });
}

/** `kind\nid` of every memory named by a change entry after `position`. */
async function changedSince(store: MemoryStore, position: string): Promise<Set<string>> {
  const changed = new Set<string>();
  let after = position;
  for (;;) {
    const entries = await store.changesAfter(after, PAGE);
    for (const entry of entries) for (const id of entry.ids) changed.add(`${entry.kind}\n${id}`);
    if (entries.length < PAGE) return changed;
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
