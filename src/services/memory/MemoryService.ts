import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { indexEngine } from '../../index/HnswEngine.js';
import type { IndexSet } from '../../index/IndexSet.js';
import { metrics } from '../../metrics/metrics.js';
import { filterAsOf, seenAsOf } from '../../model/asOf.js';
import { failedPrecondition, permissionDenied } from '../../model/errors.js';
import type { MemoryFilter } from '../../model/MemoryFilter.js';
import { isEmptyFilter, matchesFilter } from '../../model/MemoryFilter.js';
import type { MemoryKind, MemoryRecord } from '../../model/MemoryRecord.js';
import { SCHEMAS } from '../../model/MemorySchema.js';
import type { MemoryStore } from '../../redis/MemoryStore.js';
import { searchNaive } from './naiveSearch.js';
import { requestDigest } from './requestDigest.js';
import { RecordCache } from './RecordCache.js';
import { ResultCache } from './ResultCache.js';
import { searchDedup } from './searchDedup.js';
import { SearchExecutor } from './SearchExecutor.js';
import { SearchPipeline, type SearchContext } from './SearchPipeline.js';
import type {
  IndexFollower,
  RecentRequest,
  RecentResult,
  SearchHit,
  SearchRequest,
} from './types.js';
import { WriteTracker } from './WriteTracker.js';

export type { RecentRequest, RecentResult, SearchHit, SearchRequest } from './types.js';

/** One kind's index as MemoryService.info gives it. */
export interface KindInfo {
  memories: number;
  efDefault: number;
  filteredEfScale: number;
  /** Recall@10 at efDefault by the last calibration; 0 if none yet. */
  recallEstimate: number;
  hnswM: number;
  hnswEfConstruction: number;
  exactSearchMaxCandidates: number;
}

/** What the memory indexes serve (GetInfo). */
export interface MemoryInfo {
  dimension: number;
  vectorPrecision: string;
  engine: string;
  episodic: KindInfo;
  semantic: KindInfo;
}

export interface MemoryServiceOptions {
  /** How long a write waits for its change to reach the local index. */
  indexApplyTimeoutMs: number;
  /** Memories deleted per transaction by deleteByFilter. */
  deleteChunk: number;
  /** `batched`: window + dedup + one pipeline per batch; `naive`: the comparison path (naiveSearch). */
  pipeline: 'batched' | 'naive';
  batchWindowMs: number;
  batchMax: number;
  /** Batches executing at once. */
  batchConcurrency: number;
  /** Searches on the cores at once before new ones wait for the next batch (maxSearching). */
  batchSearchSlots: number;
  /** Bytes of search hits kept in process to skip Redis for hot hits (0 = off). */
  recordCacheMaxBytes: number;
  /** How long a cached hit may answer before it is read from Redis again. */
  recordCacheMaxAgeMs: number;
  /** How long an upsert's request id is remembered (retries within it store nothing again). */
  requestIdWindowMs: number;
  /** How long a search's answer may answer an identical search again (0 = no result cache). */
  resultCacheTtlMs: number;
  /** Bytes of answers the result cache keeps (0 = no result cache). */
  resultCacheMaxBytes: number;
}

/** An upsert's request id (AIP-155), and whose: the calling token's name ('' without tokens). */
export interface UpsertRequest {
  readonly scope: string;
  readonly id: string;
}

/** How DeleteEpisodicByFilter may go: past the match-all guard, or as a count only. */
export interface DeleteByFilterOptions {
  readonly allowMatchAll: boolean;
  readonly dryRun: boolean;
}

const NO_DEADLINE: SearchContext = { deadlineMs: Infinity };

/**
 * The memory operations behind the gRPC MemoryService: writes go to Redis (hash + change entry
 * in one transaction) and return once the local index has applied them; searches go through the
 * pipeline (result cache, batching, dedup) to the executor, which plans against the index and reads each hit's
 * stored memory from Redis.
 */
export class MemoryService {
  private readonly writes: WriteTracker;
  private readonly executor: SearchExecutor;
  private readonly recordCache: RecordCache;
  private readonly pipeline: SearchPipeline<MemoryKind, SearchRequest, SearchHit[]>;

  constructor(
    private readonly store: MemoryStore,
    private readonly indexes: IndexSet,
    follower: IndexFollower,
    log: Logger,
    private readonly options: MemoryServiceOptions,
  ) {
    this.writes = new WriteTracker(follower, log, options.indexApplyTimeoutMs);
    this.recordCache = new RecordCache(options.recordCacheMaxBytes, options.recordCacheMaxAgeMs);
    this.executor = new SearchExecutor(indexes, store, this.recordCache, this.writes);
    const answers = new ResultCache(
      options.resultCacheTtlMs,
      options.resultCacheMaxBytes,
      (kind, filter) => indexes.get(kind).revisionFor(filter),
    );
    this.pipeline = new SearchPipeline(
      (kind, requests, deadlineMs, searched) =>
        this.executor.execute(kind, requests, deadlineMs, searched),
      {
        dedup: searchDedup,
        answers: answers.enabled ? answers : undefined,
        windowMs: options.batchWindowMs,
        maxBatch: options.batchMax,
        maxConcurrentBatches: options.batchConcurrency,
        maxSearching: options.batchSearchSlots,
        position: () => follower.position,
      },
    );
  }

  /**
   * Says whether every removal of a memory behind mnemo's back reaches the index as it happens
   * (RecordCache.followRemovals): search hits are then answered from the record cache whatever
   * their age.
   */
  followRemovals(followed: boolean): void {
    this.recordCache.followRemovals(followed);
  }

  /** Executes whatever searches are queued and waits for running batches (shutdown). */
  drain(): Promise<void> {
    return this.pipeline.drain();
  }

  /**
   * Stores the memories, generating ids where empty; returns ids in the order given. With
   * `owners` (an agent token's agents), nothing is stored when one of the ids is a memory of
   * another agent: PERMISSION_DENIED naming that memory's id. With `request` (a client's request
   * id, in the scope of its token), a retry of a request already made within the window stores
   * nothing and answers the first call's ids; the id reused for other memories is
   * FAILED_PRECONDITION naming request_id.
   */
  async upsert(
    kind: MemoryKind,
    records: MemoryRecord[],
    owners: readonly string[] | null = null,
    request: UpsertRequest | null = null,
  ): Promise<string[]> {
    if (records.length === 0) return [];
    // Of the records as sent (before ids are generated, which a retry would generate anew).
    const digest = request === null ? '' : requestDigest(kind, records);
    for (const record of records) if (record.id === '') record.id = randomUUID();
    const token = this.writes.token();
    const follower = this.writes.follower;
    follower.expect(token, kind, records);
    try {
      const result = await this.store.upsert(
        SCHEMAS[kind],
        records,
        token,
        owners,
        request === null ? null : { ...request, windowMs: this.options.requestIdWindowMs, digest },
      );
      if ('refused' in result) {
        throw permissionDenied(
          `memories[${result.refused}].id`,
          "is a memory this token's agents may not write",
        );
      }
      if ('requestIdReused' in result) {
        throw failedPrecondition(
          'request_id',
          'was sent before with other memories: use a new request_id for every request',
          'REQUEST_ID_REUSED',
        );
      }
      if ('repeated' in result) {
        await this.writes.settle(result.repeated.streamId);
        return result.repeated.ids;
      }
      await this.writes.settle(result.streamId);
    } finally {
      follower.forget(token);
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

  /**
   * Deletes the memories with these ids; returns how many existed. With `owners`, memories of
   * other agents are left alone and counted as if they did not exist.
   */
  async delete(
    kind: MemoryKind,
    ids: readonly string[],
    owners: readonly string[] | null = null,
  ): Promise<number> {
    const token = this.writes.token();
    const { deleted, streamId } = await this.store.delete(SCHEMAS[kind], ids, token, owners);
    if (streamId !== null) await this.writes.settle(streamId);
    return deleted;
  }

  /**
   * Deletes every memory the filter matches, in chunks of one transaction each; returns how many
   * (with `dryRun`, how many it would delete, deleting nothing). A filter matching every memory of
   * the kind is refused (FAILED_PRECONDITION) unless `allowMatchAll`.
   */
  async deleteByFilter(
    kind: MemoryKind,
    filter: MemoryFilter,
    owners: readonly string[] | null = null,
    options: DeleteByFilterOptions = { allowMatchAll: false, dryRun: false },
  ): Promise<number> {
    const index = this.indexes.get(kind);
    const ids = index.matchingIds(filter);
    if (!options.allowMatchAll && ids.length > 0 && ids.length >= index.size) {
      throw failedPrecondition(
        'filter',
        `matches every ${kind} memory (${ids.length}); set allow_match_all to delete them all`,
        'MATCH_ALL_REFUSED',
      );
    }
    if (options.dryRun) return ids.length;
    let deleted = 0;
    for (let i = 0; i < ids.length; i += this.options.deleteChunk) {
      deleted += await this.delete(kind, ids.slice(i, i + this.options.deleteChunk), owners);
    }
    return deleted;
  }

  /** One search, through the pipeline (batched with others, deduplicated). */
  async search(
    kind: MemoryKind,
    request: SearchRequest,
    context: SearchContext = NO_DEADLINE,
  ): Promise<SearchHit[]> {
    const series = querySeries(queryType(kind, request));
    const startedAt = performance.now();
    try {
      const asOf = this.asOfRequest(kind, request);
      const hits =
        this.options.pipeline === 'naive'
          ? await searchNaive(this.indexes, this.store, this.executor, kind, asOf)
          : await this.pipeline.submit(kind, asOf, context);
      series.ok.inc();
      return hits;
    } catch (error) {
      series.error.inc();
      throw error;
    } finally {
      series.seconds.observe((performance.now() - startedAt) / 1000);
    }
  }

  /** What the indexes serve now: settings and, per kind, size and calibrated search settings. */
  info(): MemoryInfo {
    const options = this.indexes.options;
    const kind = (of: MemoryKind): KindInfo => {
      const index = this.indexes.get(of);
      const calibration = index.efCalibration;
      return {
        memories: index.size,
        efDefault: index.defaultEf,
        filteredEfScale: calibration?.filteredScale ?? 1,
        recallEstimate: calibration?.recall ?? 0,
        hnswM: options.m,
        hnswEfConstruction: options.efConstruction,
        exactSearchMaxCandidates: options.exactSearchMaxCandidates,
      };
    };
    return {
      dimension: options.dim,
      vectorPrecision: options.vectorPrecision ?? 'float32',
      engine: indexEngine(),
      episodic: kind('episodic'),
      semantic: kind('semantic'),
    };
  }

  /** A page of memories by a numeric field (see RecentRequest), read from Redis. */
  async recent(kind: MemoryKind, request: RecentRequest): Promise<RecentResult> {
    const index = this.indexes.get(kind);
    const { filter, asOf } = this.asOfRequest(kind, request);
    const page = index.recent(filter, request.orderField, request.limit, request.after, asOf);
    const found = new Map(page.ids.map((id) => [id, index.revisionOf(id)]));
    const stored = await this.executor.read(kind, found, request.includeVectors === true, Infinity);
    const records: MemoryRecord[] = [];
    const pendingIds: string[] = [];
    for (const id of page.ids) {
      const record = stored.get(id);
      const seen = record && seenAsOf(SCHEMAS[kind], record, asOf);
      if (!seen || !matchesFilter(seen.record, filter)) continue;
      records.push(seen.record);
      if (seen.pending) pendingIds.push(id);
    }
    return { records, next: page.next, pendingIds };
  }

  /**
   * A query as of its time (kinds with an outcome): its as-of resolved — when unset, now, or
   * none at all (the query as it is, at no cost) while the index holds nothing stamped or known
   * after now — and its filter as of it (filterAsOf).
   */
  private asOfRequest<T extends { filter: MemoryFilter; asOf?: number }>(
    kind: MemoryKind,
    request: T,
  ): T {
    const outcome = SCHEMAS[kind].outcome;
    if (outcome === null) return request;
    let asOf = request.asOf;
    if (asOf === undefined) {
      const index = this.indexes.get(kind);
      const now = Date.now() / 1000;
      const newest = Math.max(
        index.highestEver(outcome.timeField),
        index.highestEver(outcome.knownAtField),
      );
      if (newest <= now) return request;
      asOf = now;
    }
    return { ...request, asOf, filter: filterAsOf(outcome, request.filter, asOf) };
  }
}

function queryType(kind: MemoryKind, request: SearchRequest): string {
  const filtered = !isEmptyFilter(request.filter);
  if (kind === 'episodic') return filtered ? 'hybrid' : 'vector_similarity';
  return filtered ? 'semantic_hybrid' : 'semantic_similarity';
}

interface QuerySeries {
  ok: { inc(): void };
  error: { inc(): void };
  seconds: { observe(value: number): void };
}

/**
 * The series of each query type, resolved once (their label objects made once; prom-client 15
 * still validates and hashes them on every inc and observe, about a microsecond each).
 */
const querySeriesByType = new Map<string, QuerySeries>();

function querySeries(type: string): QuerySeries {
  let series = querySeriesByType.get(type);
  if (series === undefined) {
    series = {
      ok: metrics.queriesTotal.labels({ query_type: type, status: 'ok' }),
      error: metrics.queriesTotal.labels({ query_type: type, status: 'error' }),
      seconds: metrics.querySeconds.labels({ query_type: type }),
    };
    querySeriesByType.set(type, series);
  }
  return series;
}
