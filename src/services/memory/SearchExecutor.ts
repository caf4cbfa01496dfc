import type { IndexSet } from '../../index/IndexSet.js';
import type { IndexHit } from '../../index/MemoryIndex.js';
import { metrics } from '../../metrics/metrics.js';
import { seenAsOf } from '../../model/asOf.js';
import { matchesFilter } from '../../model/MemoryFilter.js';
import type { MemoryKind, MemoryRecord } from '../../model/MemoryRecord.js';
import { SCHEMAS } from '../../model/MemorySchema.js';
import type { MemoryStore } from '../../redis/MemoryStore.js';
import type { RecordCache } from './RecordCache.js';
import type { SearchHit, SearchRequest } from './types.js';
import type { WriteTracker } from './WriteTracker.js';

/**
 * Executes a batch of searches of one kind: one multi-query call into the index (`searched` is
 * called once it has answered, see BatchExecutor), then one Redis pipeline (per vector need)
 * reading every hit's stored memory from a replica; hits a replica lacks or holds in an older
 * version than the index are read again from the master. The stored memory is the truth: a hit
 * whose memory left the filter since the index saw it is dropped. A search as of a time checks
 * and answers each memory as it was seen then (model/asOf.ts).
 */
export class SearchExecutor {
  constructor(
    private readonly indexes: IndexSet,
    private readonly store: MemoryStore,
    private readonly cache: RecordCache,
    private readonly writes: WriteTracker,
  ) {}

  async execute(
    kind: MemoryKind,
    requests: readonly SearchRequest[],
    deadlineMs: number,
    searched: () => void,
  ): Promise<SearchHit[][]> {
    const found = await this.indexes.get(kind).searchMany(requests);
    searched();
    // Each hit's id once, with the revision it had when found (the record cache's key).
    const withVectors = new Map<string, number>();
    const without = new Map<string, number>();
    found.forEach((hits, i) => {
      const target = requests[i]?.includeVectors ? withVectors : without;
      for (const hit of hits) target.set(hit.id, hit.revision);
    });
    const [full, plain] = await Promise.all([
      this.read(kind, withVectors, true, deadlineMs),
      this.read(kind, without, false, deadlineMs),
    ]);
    const schema = SCHEMAS[kind];
    const results = found.map((hits, i) => {
      const request = requests[i] as SearchRequest;
      const records = request.includeVectors ? full : plain;
      const answer: SearchHit[] = [];
      for (const hit of hits) {
        const stored = records.get(hit.id);
        const seen = stored && seenAsOf(schema, stored, request.asOf);
        if (seen && matchesFilter(seen.record, request.filter)) {
          const { distance, score, explanation } = hit;
          answer.push({
            record: cloneIfShared(seen.record, request.touch),
            distance,
            outcomePending: seen.pending,
            score,
            explanation,
          });
        }
      }
      return answer;
    });
    await Promise.all(
      results.map((hits, i) =>
        requests[i]?.touch && hits.length > 0 ? this.touch(kind, hits) : Promise.resolve(),
      ),
    );
    return results;
  }

  /** Counts one recall of each hit in Redis and updates the hits' access fields in place. */
  async touch(kind: MemoryKind, hits: SearchHit[]): Promise<void> {
    const result = await this.store.touch(
      SCHEMAS[kind],
      hits.map((h) => h.record.id),
      this.writes.token(),
    );
    hits.forEach((hit, i) => {
      const count = result.accessCounts[i] ?? -1;
      if (count >= 0) {
        hit.record.numbers.access_count = count;
        hit.record.numbers.last_accessed = result.now;
      }
    });
    if (result.streamId !== null) await this.writes.settle(result.streamId);
  }

  /**
   * Reads memories from the record cache (without vectors), or else, while removals are
   * followed, as the index holds them (MemoryIndex.heldRecord, then cached), or else from a
   * replica, falling back to the master for any the replica lags on. `found` maps each id to the
   * revision the index had for it when it found it (used without vectors only): a cached or held
   * record of that revision answers, and a record read is cached at it unless the index changed
   * the memory meanwhile.
   * Memories the master lacks are left out and reported to the follower (see reportMissing).
   */
  async read(
    kind: MemoryKind,
    found: ReadonlyMap<string, number>,
    includeVectors: boolean,
    deadlineMs: number,
  ): Promise<Map<string, MemoryRecord>> {
    const records = new Map<string, MemoryRecord>();
    if (found.size === 0) return records;
    const schema = SCHEMAS[kind];
    const index = this.indexes.get(kind);
    const cache = includeVectors || !this.cache.enabled ? null : this.cache;
    // Whole records the index holds answer only while it hears of every removal at once.
    const held = includeVectors || !this.cache.followsRemovals ? null : index;
    let missing: readonly string[];
    if (cache !== null || held !== null) {
      const uncached: string[] = [];
      let built = 0;
      found.forEach((revision, id) => {
        let record = cache?.get(kind, id, revision);
        if (record === undefined && held !== null) {
          record = held.heldRecord(id, revision);
          if (record !== undefined) {
            built++;
            cache?.adopt(kind, record, revision);
          }
        }
        if (record !== undefined) records.set(id, record);
        else uncached.push(id);
      });
      countLookups(records.size - built, built, uncached.length);
      if (uncached.length === 0) return records;
      missing = uncached;
    } else {
      missing = [...found.keys()];
    }
    const keep = (id: string, record: MemoryRecord): void => {
      records.set(id, record);
      const revision = found.get(id);
      if (cache !== null && revision !== undefined && index.revisionOf(id) === revision) {
        cache.set(kind, record, revision);
      }
    };
    const fromReplica = await this.store.get(
      schema,
      missing,
      includeVectors,
      'replica',
      deadlineMs,
    );
    const stale: string[] = [];
    fromReplica.forEach((record, i) => {
      const id = missing[i] ?? '';
      if (!index.isCurrent(id, record)) stale.push(id);
      else if (record !== null) keep(id, record);
    });
    if (stale.length > 0) {
      const fromMaster = await this.store.get(schema, stale, includeVectors, 'master');
      const gone: string[] = [];
      fromMaster.forEach((record, i) => {
        if (record !== null) keep(stale[i] ?? '', record);
        else gone.push(stale[i] ?? '');
      });
      if (gone.length > 0) this.writes.follower.reportMissing(kind, gone);
    }
    return records;
  }
}

/** The hit of a stored memory the index found (with its score, for a ranked search). */
export function searchHit(record: MemoryRecord, found: IndexHit): SearchHit {
  const hit: SearchHit = { record, distance: found.distance };
  if (found.score !== undefined) hit.score = found.score;
  if (found.explanation !== undefined) hit.explanation = found.explanation;
  return hit;
}

/** Counts record lookups: from the cache, built from the index, read from Redis. */
function countLookups(hits: number, built: number, misses: number): void {
  if (hits > 0) metrics.recordCacheLookups.inc({ result: 'hit' }, hits);
  if (built > 0) metrics.recordCacheLookups.inc({ result: 'index' }, built);
  if (misses > 0) metrics.recordCacheLookups.inc({ result: 'miss' }, misses);
}

/** A touched hit is updated in place: give it a record of its own when batches share records. */
function cloneIfShared(record: MemoryRecord, touch: boolean): MemoryRecord {
  return touch ? { ...record, numbers: { ...record.numbers } } : record;
}
