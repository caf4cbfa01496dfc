import { metrics } from '../../metrics/metrics.js';
import type { MemoryKind, MemoryRecord } from '../../model/MemoryRecord.js';
import { OldestFirst } from './OldestFirst.js';

interface Entry {
  revision: number;
  record: MemoryRecord;
  bytes: number;
  /** Insertion order across both kinds: the oldest entry is evicted first. */
  seq: number;
  /** Used since it was (re)inserted: gets a second chance at eviction. */
  used: boolean;
  /** When it was read from Redis (ms, the cache's clock). */
  readAt: number;
}

/** Rough heap cost of a cached record besides its strings and payload. */
const ENTRY_OVERHEAD_BYTES = 320;

/**
 * Memories (without vectors) as last read from Redis, each tagged with the index revision it was
 * read at, so that searches can skip Redis for hot hits. An entry is used only while the index
 * still holds the memory at that revision: any change the index applies (every instance applies
 * every change) makes it a miss, so the cache never answers with a version the index has moved
 * past. A memory removed behind mnemo's back (no change entry: DEL, expiry, eviction) is
 * another matter: unless Redis reports such removals to the index (see followRemovals), an entry
 * older than `maxAgeMs` is a miss too, which bounds how long a removed memory can still be
 * answered, since a search that reads it again finds it gone. Past `maxBytes`, the least
 * recently used entries go first (second-chance order: a hit only marks its entry, so a lookup
 * costs one map read); 0 disables the cache. Records handed out are shared: never modify them.
 */
export class RecordCache {
  private readonly entries: Record<MemoryKind, Map<string, Entry>> = {
    episodic: new Map(),
    semantic: new Map(),
  };
  private readonly oldest: Record<MemoryKind, OldestFirst<string, Entry>> = {
    episodic: new OldestFirst(this.entries.episodic),
    semantic: new OldestFirst(this.entries.semantic),
  };
  private bytes = 0;
  private seq = 0;
  /** Whether every removal behind mnemo's back reaches the index as it happens. */
  private removalsFollowed = false;

  constructor(
    private readonly maxBytes: number,
    private readonly maxAgeMs = Infinity,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The cached record of a memory at this revision, if any. */
  get(kind: MemoryKind, id: string, revision: number): MemoryRecord | undefined {
    const entry = this.entries[kind].get(id);
    if (entry === undefined || entry.revision !== revision) return undefined;
    if (!this.removalsFollowed && this.now() - entry.readAt > this.maxAgeMs) return undefined;
    entry.used = true;
    return entry.record;
  }

  /** Keeps a record read at `revision` (a copy of its payload, so no read buffer is retained). */
  set(kind: MemoryKind, record: MemoryRecord, revision: number): void {
    if (!this.enabled || revision < 0) return;
    const stored: MemoryRecord = {
      id: record.id,
      vector: new Float32Array(0),
      tags: { ...record.tags },
      numbers: { ...record.numbers },
      payload: Buffer.from(record.payload),
    };
    // Earlier outcomes (as-of queries read them); shared: versions are never modified.
    if (record.versions !== undefined) stored.versions = record.versions;
    this.adopt(kind, stored, revision);
  }

  /**
   * Keeps a record of `revision` as it is (no copy): one nothing else holds or modifies, without
   * a vector, its payload not a view of a larger buffer.
   */
  adopt(kind: MemoryKind, stored: MemoryRecord, revision: number): void {
    if (!this.enabled || revision < 0) return;
    const bytes = recordBytes(stored);
    if (bytes > this.maxBytes) return;
    const map = this.entries[kind];
    this.drop(map, stored.id);
    map.set(stored.id, {
      revision,
      record: stored,
      bytes,
      seq: ++this.seq,
      used: false,
      readAt: this.now(),
    });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes) this.evictOne();
    metrics.recordCacheBytes.set(this.bytes);
  }

  /**
   * Says whether Redis reports every removal of a memory to the index as it happens (keyspace
   * notifications of DEL, expiry and eviction published and subscribed to, without a gap since):
   * the index then drops a removed memory at once, so no search finds it and its entry is never
   * asked for again, and entries answer whatever their age. Entries kept before this became true
   * are dropped (a removal may have gone unreported meanwhile); when it turns false, the max
   * age applies again at once.
   */
  followRemovals(followed: boolean): void {
    if (followed && !this.removalsFollowed) this.clear();
    this.removalsFollowed = followed;
  }

  /** Whether Redis reports every removal to the index as it happens (see followRemovals). */
  get followsRemovals(): boolean {
    return this.removalsFollowed;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.episodic.clear();
    this.entries.semantic.clear();
    this.bytes = 0;
    metrics.recordCacheBytes.set(0);
  }

  get size(): number {
    return this.entries.episodic.size + this.entries.semantic.size;
  }

  /** Drops the oldest entry of either kind, moving used ones to the back once instead. */
  private evictOne(): void {
    for (;;) {
      const episodic = this.oldest.episodic.peek();
      const semantic = this.oldest.semantic.peek();
      const kind: MemoryKind =
        episodic === undefined || (semantic !== undefined && semantic[1].seq < episodic[1].seq)
          ? 'semantic'
          : 'episodic';
      const pick = kind === 'episodic' ? episodic : semantic;
      if (pick === undefined) return;
      const map = this.entries[kind];
      const [id, entry] = pick;
      map.delete(id);
      this.oldest[kind].advance();
      if (entry.used) {
        entry.used = false;
        entry.seq = ++this.seq;
        map.set(id, entry);
        continue;
      }
      this.bytes -= entry.bytes;
      return;
    }
  }

  private drop(map: Map<string, Entry>, id: string): void {
    const entry = map.get(id);
    if (entry === undefined) return;
    map.delete(id);
    this.bytes -= entry.bytes;
  }
}

/** Rough heap cost of a record held in process (its strings, payload, vector and overhead). */
export function recordBytes(record: MemoryRecord): number {
  let bytes =
    ENTRY_OVERHEAD_BYTES + 2 * record.id.length + record.payload.length + record.vector.byteLength;
  for (const [field, value] of Object.entries(record.tags))
    bytes += 2 * (field.length + value.length) + 16;
  bytes += 24 * Object.keys(record.numbers).length;
  bytes += 96 * (record.versions?.length ?? 0);
  return bytes;
}
