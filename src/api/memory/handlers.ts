import type { MemoryServiceHandlers } from '../../generated/mnemo/v1/MemoryService.js';
import type { AsyncHandlers } from '../middleware/types.js';
import { invalidArgument } from '../../model/errors.js';
import { isEmptyFilter } from '../../model/MemoryFilter.js';
import type { MemoryService, SearchHit } from '../../services/memory/MemoryService.js';
import type { SearchEpisodicResponse } from '../../generated/mnemo/v1/SearchEpisodicResponse.js';
import {
  type CodecLimits,
  decodeEpisodicFilter,
  decodeEpisodicMemories,
  decodeIds,
  decodeLimit,
  decodePageToken,
  decodeRecentOrder,
  decodeSearchEpisodic,
  decodeSearchSemantic,
  decodeSemanticMemories,
  encodeEpisodicMemory,
  encodePageToken,
  encodeSemanticMemory,
} from './codec.js';
import { answerSize, budgetAnswer } from './answerBudget.js';

function episodicHits(hits: SearchHit[]): SearchEpisodicResponse {
  return {
    hits: hits.map((h) => ({ memory: encodeEpisodicMemory(h.record), distance: h.distance })),
  };
}

/** The MemoryService RPCs: decode and validate, call the domain service, encode. */
export function memoryHandlers(
  service: MemoryService,
  limits: CodecLimits,
): AsyncHandlers<MemoryServiceHandlers> {
  return {
    UpsertEpisodic: async (request) => ({
      ids: await service.upsert('episodic', decodeEpisodicMemories(request.memories, limits)),
    }),
    UpsertSemantic: async (request) => ({
      ids: await service.upsert('semantic', decodeSemanticMemories(request.memories, limits)),
    }),
    GetEpisodic: async (request) => {
      const ids = decodeIds('ids', request.ids, limits);
      budgetAnswer('ids', answerSize(ids.length, limits.vectorDim, request.include_vectors));
      const records = await service.get('episodic', ids, request.include_vectors);
      return { memories: records.map(encodeEpisodicMemory) };
    },
    GetSemantic: async (request) => {
      const ids = decodeIds('ids', request.ids, limits);
      budgetAnswer('ids', answerSize(ids.length, limits.vectorDim, request.include_vectors));
      const records = await service.get('semantic', ids, request.include_vectors);
      return { memories: records.map(encodeSemanticMemory) };
    },
    DeleteEpisodic: async (request) => ({
      deleted: await service.delete('episodic', decodeIds('ids', request.ids, limits)),
    }),
    DeleteSemantic: async (request) => ({
      deleted: await service.delete('semantic', decodeIds('ids', request.ids, limits)),
    }),
    DeleteEpisodicByFilter: async (request) => {
      const filter = decodeEpisodicFilter('filter', request.filter, limits);
      if (isEmptyFilter(filter)) {
        throw invalidArgument(
          'filter',
          'must constrain at least one field (it would delete everything)',
        );
      }
      return { deleted: await service.deleteByFilter('episodic', filter) };
    },
    SearchEpisodic: async (request, context) => {
      const query = decodeSearchEpisodic(request, limits);
      budgetAnswer('k', answerSize(query.k, limits.vectorDim, query.includeVectors));
      return episodicHits(await service.search('episodic', query, context));
    },
    SearchSemantic: async (request, context) => {
      const query = decodeSearchSemantic(request, limits);
      budgetAnswer('k', answerSize(query.k, limits.vectorDim, query.includeVectors));
      const hits = await service.search('semantic', query, context);
      return {
        hits: hits.map((h) => ({ memory: encodeSemanticMemory(h.record), distance: h.distance })),
      };
    },
    BatchSearchEpisodic: async (request, context) => {
      if (request.searches.length > limits.maxBatch) {
        throw invalidArgument(
          'searches',
          `has ${request.searches.length} items, at most ${limits.maxBatch} are allowed`,
        );
      }
      const queries = request.searches.map((search, i) =>
        decodeSearchEpisodic(search, limits, `searches[${i}].`),
      );
      const sizes = queries.map((q) => answerSize(q.k, limits.vectorDim, q.includeVectors));
      budgetAnswer('searches', {
        memories: sizes.reduce((sum, s) => sum + s.memories, 0),
        bytes: sizes.reduce((sum, s) => sum + s.bytes, 0),
      });
      const results = await Promise.all(queries.map((q) => service.search('episodic', q, context)));
      return { results: results.map(episodicHits) };
    },
    RecentEpisodic: async (request) => {
      const orderField = decodeRecentOrder('order', request.order);
      const result = await service.recent('episodic', {
        filter: decodeEpisodicFilter('filter', request.filter, limits),
        orderField,
        limit: decodeLimit('limit', request.limit, limits),
        after: decodePageToken('page_token', request.page_token, orderField),
      });
      return {
        memories: result.records.map(encodeEpisodicMemory),
        next_page_token: encodePageToken(orderField, result.next),
      };
    },
  };
}
