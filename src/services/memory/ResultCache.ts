import { metrics } from '../../metrics/metrics.js';
import type { MemoryFilter } from '../../model/MemoryFilter.js';
import type { MemoryKind, MemoryRecord } from '../../model/MemoryRecord.js';
import { OldestFirst } from './OldestFirst.js';
import { recordBytes } from './RecordCache.js';
import { searchDedup } from './searchDedup.js';
import type { Answers } from './SearchPipeline.js';
import type { SearchHit, SearchRequest } from './types.js';

interface Entry {
  request: SearchRequest;
  hits: SearchHit[];
  /** The index's revision for the filter when the search started executing. */
  revision: number;
  /** When the answer was kept (ms, the cache's clock). */
  keptAt: number;
  bytes: number;
}

/** Rough heap cost of an entry besides its hits' records and the request's vector. */
const ENTRY_OVERHEAD_BYTES = 400;
/** Rough heap cost of one hit besides its record. */
const HIT_OVERHEAD_BYTES = 48;

/**
 * Answers of recent searches, so that a search identical to one answered shortly before (same
 * kind, k, ef, exactness, vector need, filter and vector: searchDedup's identity) is answered
 * again without searching. Read-your-writes holds: an answer is used only while the index of its
 * kind is at the revision it had for the search's filter when the search started executing
 * (MemoryIndex.revisionFor, which every applied change to a memory the filter's tags can match
 * moves — writes return once applied, so a later search never gets an answer from before them;
 * writes of other agents leave an agent's answers be); searches that touch their hits are never kept (searchDedup gives them no key).
 * An answer older than `ttlMs` is a miss too: that bounds how long a memory deleted behind mnemo's
 * back (no change entry) can still be answered. Past `maxBytes` the oldest answers go first: with
 * every answer living at most `ttlMs`, the oldest is the closest to expiring anyway. Answers handed
 * out are shared: never modify them. Counted in redis_memory_cache_hits_total / _misses_total
 * with cache="result".
 */
export class ResultCache implements Answers<MemoryKind, SearchRequest, SearchHit[]> {
  private readonly entries = new Map<string, Entry>();
  private readonly oldest = new OldestFirst(this.entries);
  private bytes = 0;
  private readonly hits = metrics.cacheHits.labels({ cache: 'result' });
  private readonly misses = metrics.cacheMisses.labels({ cache: 'result' });

  constructor(
    private readonly ttlMs: number,
    private readonly maxBytes: number,
    /** The current revision of what a search with this filter can find (MemoryIndex.revisionFor). */
    private readonly revision: (kind: MemoryKind, filter: MemoryFilter) => number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.maxBytes > 0;
  }

  /** Answers kept now. */
  get size(): number {
    return this.entries.size;
  }

  get(kind: MemoryKind, key: string, request: SearchRequest): SearchHit[] | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      if (
        entry.revision !== this.revision(kind, entry.request.filter) ||
        this.now() - entry.keptAt > this.ttlMs
      ) {
        this.drop(key, entry);
      } else if (searchDedup.same(entry.request, request)) {
        this.hits.inc();
        return entry.hits;
      }
    }
    this.misses.inc();
    return undefined;
  }

  stamp(kind: MemoryKind, request: SearchRequest): number {
    return this.revision(kind, request.filter);
  }

  /**
   * Keeps the answer of a search that started executing at revision `stamp` (nothing if the index
   * moved since: it would never be used). Payloads are copied, so no read buffer is retained.
   */
  keep(
    kind: MemoryKind,
    key: string,
    request: SearchRequest,
    hits: SearchHit[],
    stamp: number,
  ): void {
    if (!this.enabled || stamp !== this.revision(kind, request.filter)) return;
    let bytes = ENTRY_OVERHEAD_BYTES + request.vector.byteLength;
    const kept = hits.map((hit) => {
      const record: MemoryRecord = { ...hit.record, payload: Buffer.from(hit.record.payload) };
      bytes += HIT_OVERHEAD_BYTES + recordBytes(record);
      return { record, distance: hit.distance };
    });
    if (bytes > this.maxBytes) return;
    const now = this.now();
    const previous = this.entries.get(key);
    if (previous !== undefined) this.drop(key, previous);
    this.entries.set(key, { request, hits: kept, revision: stamp, keptAt: now, bytes });
    this.bytes += bytes;
    // The map is in keeping order: the first entries are the oldest, expired ones among them.
    for (let head = this.oldest.peek(); head !== undefined; head = this.oldest.peek()) {
      const [oldKey, old] = head;
      if (this.bytes <= this.maxBytes && now - old.keptAt <= this.ttlMs) break;
      this.drop(oldKey, old);
      this.oldest.advance();
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
