import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { unavailable } from '../../model/errors.js';
import type { MemoryFilter } from '../../model/MemoryFilter.js';
import { isEmptyFilter, matchesFilter } from '../../model/MemoryFilter.js';
import type { MemoryKind, MemoryRecord } from '../../model/MemoryRecord.js';
import { SCHEMAS } from '../../model/MemorySchema.js';
import type { ChangeFollower } from '../../sync/ChangeFollower.js';
import type { IndexSet } from '../../index/IndexSet.js';
import type { SearchQuery } from '../../index/QueryPlanner.js';
import type { RecentCursor } from '../../model/RecentCursor.js';
import { metrics } from '../../metrics/metrics.js';
import type { MemoryStore } from '../../redis/MemoryStore.js';
import { RecordCache } from './RecordCache.js';
import { SearchPipeline, type SearchContext } from './SearchPipeline.js';

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
  /** `batched`: window + dedup + one pipeline per batch; `naive`: one search at a time, one round trip per hit (for comparison). */
  pipeline: 'batched' | 'naive';
  batchWindowMs: number;
  batchMax: number;
  /** Batches executing at once. */
  batchConcurrency: number;
  /** Bytes of search hits kept in process to skip Redis for hot hits (0 = off). */
  recordCacheMaxBytes: number;
}

const NO_DEADLINE: SearchContext = { deadlineMs: Infinity };

/**
 * The memory operations behind the gRPC MemoryService: writes go to Redis (hash + change entry
 * in one transaction) and return once the local index has applied them; searches plan against
 * the index and read each hit's stored memory from Redis.
 */
export class MemoryService {
  private readonly instance = randomUUID().slice(0, 8);
  private sequence = 0;
  private readonly pipeline: SearchPipeline;
  private readonly cache: RecordCache;

  constructor(
    private readonly store: MemoryStore,
    private readonly indexes: IndexSet,
    private readonly follower: ChangeFollower,
    private readonly log: Logger,
    private readonly options: MemoryServiceOptions,
  ) {
    this.cache = new RecordCache(options.recordCacheMaxBytes);
    this.pipeline = new SearchPipeline(
      (kind, requests, deadlineMs) => this.searchBatch(kind, requests, deadlineMs),
      {
        windowMs: options.batchWindowMs,
        maxBatch: options.batchMax,
        maxConcurrentBatches: options.batchConcurrency,
        position: () => follower.position,
      },
    );
  }

  /** Executes whatever searches are queued and waits for running batches (shutdown). */
  drain(): Promise<void> {
    return this.pipeline.drain();
  }

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

  /** One search, through the pipeline (batched with others, deduplicated). */
  async search(
    kind: MemoryKind,
    request: SearchRequest,
    context: SearchContext = NO_DEADLINE,
  ): Promise<SearchHit[]> {
    const type = queryType(kind, request);
    const stop = metrics.querySeconds.startTimer({ query_type: type });
    try {
      const hits =
        this.options.pipeline === 'naive'
          ? await this.searchNaive(kind, request)
          : await this.pipeline.submit(kind, request, context);
      metrics.queriesTotal.inc({ query_type: type, status: 'ok' });
      return hits;
    } catch (error) {
      metrics.queriesTotal.inc({ query_type: type, status: 'error' });
      throw error;
    } finally {
      stop();
    }
  }

  /**
   * A batch of searches of one kind: one multi-query call into the index, then one pipeline
   * (per vector need) reading every hit's stored memory from a replica; hits a replica lacks or
   * holds in an older version than the index are read again from the master.
   */
  private async searchBatch(
    kind: MemoryKind,
    requests: readonly SearchRequest[],
    deadlineMs: number,
  ): Promise<SearchHit[][]> {
    const index = this.indexes.get(kind);
    const found = await index.searchMany(requests);
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
    const results = found.map((hits, i) => {
      const request = requests[i] as SearchRequest;
      const records = request.includeVectors ? full : plain;
      const answer: SearchHit[] = [];
      for (const hit of hits) {
        const record = records.get(hit.id);
        // The stored memory is the truth: one changed since the index saw it may have left the filter.
        if (record && matchesFilter(record, request.filter)) {
          answer.push({ record: cloneIfShared(record, request.touch), distance: hit.distance });
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

  /** The comparison path: one search at a time, one Redis round trip per hit. */
  private async searchNaive(kind: MemoryKind, request: SearchRequest): Promise<SearchHit[]> {
    const hits = await this.indexes.get(kind).search(request);
    const answer: SearchHit[] = [];
    for (const hit of hits) {
      const [record] = await this.store.get(SCHEMAS[kind], [hit.id], request.includeVectors);
      if (record && matchesFilter(record, request.filter)) {
        answer.push({ record, distance: hit.distance });
      }
    }
    if (request.touch && answer.length > 0) await this.touch(kind, answer);
    return answer;
  }

  /**
   * Reads memories from the record cache (without vectors) or else from a replica, falling back
   * to the master for any the replica lags on. `found` maps each id to the revision the index
   * had for it when it found it (used without vectors only): a cached record of that revision
   * answers, and a record read is cached at it unless the index changed the memory meanwhile.
   */
  private async read(
    kind: MemoryKind,
    found: ReadonlyMap<string, number>,
    includeVectors: boolean,
    deadlineMs: number,
  ): Promise<Map<string, MemoryRecord>> {
    const records = new Map<string, MemoryRecord>();
    if (found.size === 0) return records;
    const ids = [...found.keys()];
    const schema = SCHEMAS[kind];
    const index = this.indexes.get(kind);
    const cache = includeVectors || !this.cache.enabled ? null : this.cache;
    let missing: readonly string[] = ids;
    if (cache !== null) {
      const uncached: string[] = [];
      for (const [id, revision] of found) {
        const cached = cache.get(kind, id, revision);
        if (cached !== undefined) records.set(id, cached);
        else uncached.push(id);
      }
      if (records.size > 0) metrics.recordCacheLookups.inc({ result: 'hit' }, records.size);
      if (uncached.length > 0) metrics.recordCacheLookups.inc({ result: 'miss' }, uncached.length);
      if (uncached.length === 0) return records;
      missing = uncached;
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
      fromMaster.forEach((record, i) => {
        if (record !== null) keep(stale[i] ?? '', record);
      });
    }
    return records;
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

function queryType(kind: MemoryKind, request: SearchRequest): string {
  const filtered = !isEmptyFilter(request.filter);
  if (kind === 'episodic') return filtered ? 'hybrid' : 'vector_similarity';
  return filtered ? 'semantic_hybrid' : 'semantic_similarity';
}

/** A touched hit is updated in place: give it a record of its own when batches share records. */
function cloneIfShared(record: MemoryRecord, touch: boolean): MemoryRecord {
  return touch ? { ...record, numbers: { ...record.numbers } } : record;
}
