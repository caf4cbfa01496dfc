import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { unavailable } from '../model/errors.js';
import type { MemoryFilter } from '../model/MemoryFilter.js';
import { isEmptyFilter, matchesFilter } from '../model/MemoryFilter.js';
import type { MemoryKind, MemoryRecord } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import type { ChangeFollower } from '../index/ChangeFollower.js';
import type { IndexSet } from '../index/IndexSet.js';
import type { RecentCursor, SearchQuery } from '../index/MemoryIndex.js';
import type { MemoryStore } from '../storage/MemoryStore.js';

export interface SearchRequest extends SearchQuery {
  includeVectors: boolean;
  /** Semantic only: count the recall on every hit. */
  touch: boolean;
}

export interface SearchHit {
  record: MemoryRecord;
  distance: number;
}

export interface RecentRequest {
  filter: MemoryFilter;
  /** Numeric field to sort by, descending (ties by id ascending). */
  orderField: string;
  limit: number;
  after: RecentCursor | null;
}

export interface RecentResult {
  records: MemoryRecord[];
  next: RecentCursor | null;
}

export interface MemoryServiceOptions {
  /** How long a write waits for its change to reach the local index. */
  indexApplyTimeoutMs: number;
  /** Memories deleted per transaction by deleteByFilter. */
  deleteChunk: number;
}

/**
 * The memory operations behind the gRPC MemoryService: writes go to Redis (hash + change entry
 * in one transaction) and return once the local index has applied them; searches plan against
 * the index and read each hit's stored memory from Redis.
 */
export class MemoryService {
  private readonly instance = randomUUID().slice(0, 8);
  private sequence = 0;

  constructor(
    private readonly store: MemoryStore,
    private readonly indexes: IndexSet,
    private readonly follower: ChangeFollower,
    private readonly log: Logger,
    private readonly options: MemoryServiceOptions,
  ) {}

  /** Stores the memories, generating ids where empty; returns ids in the order given. */
  async upsert(kind: MemoryKind, records: MemoryRecord[]): Promise<string[]> {
    for (const record of records) if (record.id === '') record.id = randomUUID();
    if (records.length === 0) return [];
    const token = this.writeToken();
    this.follower.expect(token, kind, records);
    try {
      const streamId = await this.store.upsert(SCHEMAS[kind], records, token);
      await this.settle(streamId);
    } finally {
      this.follower.forget(token);
    }
    return records.map((r) => r.id);
  }

  /** The stored memories with these ids, in the order asked, unknown ids left out. */
  async get(
    kind: MemoryKind,
    ids: readonly string[],
    includeVectors: boolean,
  ): Promise<MemoryRecord[]> {
    const records = await this.store.get(SCHEMAS[kind], ids, includeVectors);
    return records.filter((r): r is MemoryRecord => r !== null);
  }

  async delete(kind: MemoryKind, ids: readonly string[]): Promise<number> {
    const { deleted, streamId } = await this.store.delete(SCHEMAS[kind], ids, this.writeToken());
    if (streamId !== null) await this.settle(streamId);
    return deleted;
  }

  /** Deletes every memory the filter matches, in chunks of one transaction each. */
  async deleteByFilter(kind: MemoryKind, filter: MemoryFilter): Promise<number> {
    const ids = this.indexes.get(kind).matchingIds(filter);
    let deleted = 0;
    for (let i = 0; i < ids.length; i += this.options.deleteChunk) {
      deleted += await this.delete(kind, ids.slice(i, i + this.options.deleteChunk));
    }
    return deleted;
  }

  async search(kind: MemoryKind, request: SearchRequest): Promise<SearchHit[]> {
    const schema = SCHEMAS[kind];
    const hits = await this.indexes.get(kind).search(request);
    const records = await this.store.get(
      schema,
      hits.map((h) => h.id),
      request.includeVectors,
    );
    const found: SearchHit[] = [];
    hits.forEach((hit, i) => {
      const record = records[i];
      // The stored memory is the truth: one changed since the index saw it may have left the filter.
      if (record && (isEmptyFilter(request.filter) || matchesFilter(record, request.filter))) {
        found.push({ record, distance: hit.distance });
      }
    });
    if (request.touch && found.length > 0) await this.touch(kind, found);
    return found;
  }

  async recent(kind: MemoryKind, request: RecentRequest): Promise<RecentResult> {
    const page = this.indexes
      .get(kind)
      .recent(request.filter, request.orderField, request.limit, request.after);
    const records = await this.get(kind, page.ids, false);
    return {
      records: records.filter((r) => matchesFilter(r, request.filter)),
      next: page.next,
    };
  }

  private async touch(kind: MemoryKind, hits: SearchHit[]): Promise<void> {
    const result = await this.store.touch(
      SCHEMAS[kind],
      hits.map((h) => h.record.id),
      this.writeToken(),
    );
    hits.forEach((hit, i) => {
      const count = result.accessCounts[i] ?? -1;
      if (count >= 0) {
        hit.record.numbers.access_count = count;
        hit.record.numbers.last_accessed = result.now;
      }
    });
    if (result.streamId !== null) await this.settle(result.streamId);
  }

  /** Waits until the local index has applied a change entry. */
  private async settle(streamId: string): Promise<void> {
    const applied = await this.follower.waitFor(streamId, this.options.indexApplyTimeoutMs);
    if (!applied) {
      this.log.warn({ streamId }, 'write stored but not yet applied to the local index');
      throw unavailable('the write was stored but the index is lagging; retry reads shortly');
    }
  }

  private writeToken(): string {
    return `${this.instance}:${++this.sequence}`;
  }
}
