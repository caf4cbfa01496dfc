import type { SearchQuery } from '../../index/QueryPlanner.js';
import type { MemoryFilter } from '../../model/MemoryFilter.js';
import type { MemoryKind, MemoryRecord } from '../../model/MemoryRecord.js';
import type { RecentCursor } from '../../model/RecentCursor.js';
import type { ScoreTerm } from '../../model/Ranking.js';

export interface SearchRequest extends SearchQuery {
  includeVectors: boolean;
  /** Semantic only: count the recall on every hit. */
  touch: boolean;
}

export interface SearchHit {
  record: MemoryRecord;
  distance: number;
  /** The outcome was not known at the search's as-of: the record's outcome fields are absent. */
  outcomePending?: boolean;
  /** The ranking score (ranked searches only). */
  score?: number;
  /** The terms of the score (ranked searches that explain only). */
  explanation?: ScoreTerm[];
}

export interface RecentRequest {
  filter: MemoryFilter;
  /** Numeric field to sort by, descending (ties by id ascending). */
  orderField: string;
  limit: number;
  after: RecentCursor | null;
  /** Read each memory's vector too (default: without). */
  includeVectors?: boolean;
  /** As of this time, unix seconds, as SearchRequest.asOf; undefined is now. */
  asOf?: number;
}

export interface RecentResult {
  records: MemoryRecord[];
  next: RecentCursor | null;
  /** Ids of the records whose outcome was not known at the as-of (outcome fields absent). */
  pendingIds: string[];
}

/**
 * What the memory service needs of whatever keeps the local indexes equal to Redis (the change
 * follower of src/sync/, injected by the app): to announce its writes, and to wait until a change
 * entry is applied.
 */
export interface IndexFollower {
  /** Id of the last change entry applied. */
  readonly position: string;
  /** Announces a write about to be made, so its entry is applied without reading Redis. */
  expect(writeToken: string, kind: MemoryKind, records: readonly MemoryRecord[]): void;
  forget(writeToken: string): void;
  /** Resolves true once the entry is applied, false after `timeoutMs` or on stop. */
  waitFor(streamId: string, timeoutMs: number): Promise<boolean>;
  /**
   * Memories the master lacks although the index found them (deleted behind mnemo's back,
   * expired, evicted): checked and dropped from the index.
   */
  reportMissing(kind: MemoryKind, ids: readonly string[]): void;
}
