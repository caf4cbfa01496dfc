import type { IndexSet } from '../../index/IndexSet.js';
import { seenAsOf } from '../../model/asOf.js';
import { matchesFilter } from '../../model/MemoryFilter.js';
import type { MemoryKind } from '../../model/MemoryRecord.js';
import { SCHEMAS } from '../../model/MemorySchema.js';
import type { MemoryStore } from '../../redis/MemoryStore.js';
import { searchHit, type SearchExecutor } from './SearchExecutor.js';
import type { SearchHit, SearchRequest } from './types.js';

/**
 * The comparison path of MNEMO_SEARCH_PIPELINE=naive: what a straightforward implementation does,
 * one search at a time (no batching, no dedup, no record cache) and one Redis round trip per hit.
 * It runs in the server so that the bench compares both paths over the same index and process
 * (docs/decisions.md).
 */
export async function searchNaive(
  indexes: IndexSet,
  store: MemoryStore,
  executor: SearchExecutor,
  kind: MemoryKind,
  request: SearchRequest,
): Promise<SearchHit[]> {
  const hits = await indexes.get(kind).search(request);
  const answer: SearchHit[] = [];
  for (const hit of hits) {
    const [stored] = await store.get(SCHEMAS[kind], [hit.id], request.includeVectors);
    const seen = stored && seenAsOf(SCHEMAS[kind], stored, request.asOf);
    if (seen && matchesFilter(seen.record, request.filter)) {
      answer.push({ ...searchHit(seen.record, hit), outcomePending: seen.pending });
    }
  }
  if (request.touch && answer.length > 0) await executor.touch(kind, answer);
  return answer;
}
