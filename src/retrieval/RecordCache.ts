import { metrics } from '../metrics/metrics.js';
import type { MemoryKind, MemoryRecord } from '../model/MemoryRecord.js';

interface Entry {
  revision: number;
  record: MemoryRecord;
  bytes: number;
}

/** Rough heap cost of a cached record besides its strings and payload. */
const ENTRY_OVERHEAD_BYTES = 320;

/**
 * Memories (without vectors) as last read from Redis, each tagged with the index revision it was
 * read at, so that searches can skip Redis for hot hits. An entry is used only while the index
 * still holds the memory at that revision: any change the index applies (every instance applies
 * every change) makes it a miss, so the cache never answers with a version the index has moved
 * past. Least recently used entries go first once `maxBytes` is reached; 0 disables the cache.
 * Records handed out are shared: never modify them.
 */
export class RecordCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The cached record of a memory at this revision, if any. */
  get(kind: MemoryKind, id: string, revision: number): MemoryRecord | undefined {
    if (!this.enabled) return undefined;
    const key = keyOf(kind, id);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.revision !== revision) {
      metrics.recordCacheLookups.inc({ result: 'miss' });
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    metrics.recordCacheLookups.inc({ result: 'hit' });
    return entry.record;
  }

  /** Keeps a record read at `revision` (a copy of its payload, so no read buffer is retained). */
  set(kind: MemoryKind, record: MemoryRecord, revision: number): void {
    if (!this.enabled || revision < 0) return;
    const key = keyOf(kind, record.id);
    const stored: MemoryRecord = {
      id: record.id,
      vector: new Float32Array(0),
      tags: { ...record.tags },
      numbers: { ...record.numbers },
      payload: Buffer.from(record.payload),
    };
    const bytes = sizeOf(stored);
    if (bytes > this.maxBytes) return;
    this.drop(key);
    this.entries.set(key, { revision, record: stored, bytes });
    this.bytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
    metrics.recordCacheBytes.set(this.bytes);
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

function keyOf(kind: MemoryKind, id: string): string {
  return `${kind}\u0000${id}`;
}

function sizeOf(record: MemoryRecord): number {
  let bytes = ENTRY_OVERHEAD_BYTES + 2 * record.id.length + record.payload.length;
  for (const [field, value] of Object.entries(record.tags))
    bytes += 2 * (field.length + value.length) + 16;
  bytes += 24 * Object.keys(record.numbers).length;
  return bytes;
}
