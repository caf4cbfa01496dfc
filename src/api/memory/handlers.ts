import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { invalidArgument } from '../../model/errors.js';
import { isEmptyFilter } from '../../model/MemoryFilter.js';
import type { MemoryService, SearchHit } from '../../services/memory/MemoryService.js';
import type { BatchSearchEpisodicRequest__Output } from '../../generated/mnemo/v1/BatchSearchEpisodicRequest.js';
import type { BatchSearchEpisodicResponse } from '../../generated/mnemo/v1/BatchSearchEpisodicResponse.js';
import type { DeleteEpisodicByFilterRequest__Output } from '../../generated/mnemo/v1/DeleteEpisodicByFilterRequest.js';
import type { DeleteEpisodicByFilterResponse } from '../../generated/mnemo/v1/DeleteEpisodicByFilterResponse.js';
import type { DeleteEpisodicRequest__Output } from '../../generated/mnemo/v1/DeleteEpisodicRequest.js';
import type { DeleteEpisodicResponse } from '../../generated/mnemo/v1/DeleteEpisodicResponse.js';
import type { GetEpisodicRequest__Output } from '../../generated/mnemo/v1/GetEpisodicRequest.js';
import type { GetEpisodicResponse } from '../../generated/mnemo/v1/GetEpisodicResponse.js';
import type { GetSemanticResponse } from '../../generated/mnemo/v1/GetSemanticResponse.js';
import type { RecentEpisodicRequest__Output } from '../../generated/mnemo/v1/RecentEpisodicRequest.js';
import type { RecentEpisodicResponse } from '../../generated/mnemo/v1/RecentEpisodicResponse.js';
import type { SearchEpisodicRequest__Output } from '../../generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse } from '../../generated/mnemo/v1/SearchEpisodicResponse.js';
import type { SearchSemanticRequest__Output } from '../../generated/mnemo/v1/SearchSemanticRequest.js';
import type { SearchSemanticResponse } from '../../generated/mnemo/v1/SearchSemanticResponse.js';
import type { UpsertEpisodicRequest__Output } from '../../generated/mnemo/v1/UpsertEpisodicRequest.js';
import type { UpsertEpisodicResponse } from '../../generated/mnemo/v1/UpsertEpisodicResponse.js';
import type { UpsertSemanticRequest__Output } from '../../generated/mnemo/v1/UpsertSemanticRequest.js';
import { unary } from '../middleware/adapter.js';
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

function episodicHits(hits: SearchHit[]): SearchEpisodicResponse {
  return {
    hits: hits.map((h) => ({ memory: encodeEpisodicMemory(h.record), distance: h.distance })),
  };
}

/** The MemoryService RPCs: decode and validate, call the domain service, encode. */
export function memoryHandlers(
  service: MemoryService,
  limits: CodecLimits,
  log: Logger,
): UntypedServiceImplementation {
  return {
    UpsertEpisodic: unary(
      'UpsertEpisodic',
      async (request: UpsertEpisodicRequest__Output): Promise<UpsertEpisodicResponse> => ({
        ids: await service.upsert('episodic', decodeEpisodicMemories(request.memories, limits)),
      }),
      log,
    ),
    UpsertSemantic: unary(
      'UpsertSemantic',
      async (request: UpsertSemanticRequest__Output): Promise<UpsertEpisodicResponse> => ({
        ids: await service.upsert('semantic', decodeSemanticMemories(request.memories, limits)),
      }),
      log,
    ),
    GetEpisodic: unary(
      'GetEpisodic',
      async (request: GetEpisodicRequest__Output): Promise<GetEpisodicResponse> => {
        const ids = decodeIds('ids', request.ids, limits);
        const records = await service.get('episodic', ids, request.include_vectors);
        return { memories: records.map(encodeEpisodicMemory) };
      },
      log,
    ),
    GetSemantic: unary(
      'GetSemantic',
      async (request: GetEpisodicRequest__Output): Promise<GetSemanticResponse> => {
        const ids = decodeIds('ids', request.ids, limits);
        const records = await service.get('semantic', ids, request.include_vectors);
        return { memories: records.map(encodeSemanticMemory) };
      },
      log,
    ),
    DeleteEpisodic: unary(
      'DeleteEpisodic',
      async (request: DeleteEpisodicRequest__Output): Promise<DeleteEpisodicResponse> => ({
        deleted: await service.delete('episodic', decodeIds('ids', request.ids, limits)),
      }),
      log,
    ),
    DeleteSemantic: unary(
      'DeleteSemantic',
      async (request: DeleteEpisodicRequest__Output): Promise<DeleteEpisodicResponse> => ({
        deleted: await service.delete('semantic', decodeIds('ids', request.ids, limits)),
      }),
      log,
    ),
    DeleteEpisodicByFilter: unary(
      'DeleteEpisodicByFilter',
      async (
        request: DeleteEpisodicByFilterRequest__Output,
      ): Promise<DeleteEpisodicByFilterResponse> => {
        const filter = decodeEpisodicFilter('filter', request.filter);
        if (isEmptyFilter(filter)) {
          throw invalidArgument(
            'filter',
            'must constrain at least one field (it would delete everything)',
          );
        }
        return { deleted: await service.deleteByFilter('episodic', filter) };
      },
      log,
    ),
    SearchEpisodic: unary(
      'SearchEpisodic',
      async (request: SearchEpisodicRequest__Output, context): Promise<SearchEpisodicResponse> =>
        episodicHits(
          await service.search('episodic', decodeSearchEpisodic(request, limits), context),
        ),
      log,
    ),
    SearchSemantic: unary(
      'SearchSemantic',
      async (request: SearchSemanticRequest__Output, context): Promise<SearchSemanticResponse> => {
        const hits = await service.search(
          'semantic',
          decodeSearchSemantic(request, limits),
          context,
        );
        return {
          hits: hits.map((h) => ({ memory: encodeSemanticMemory(h.record), distance: h.distance })),
        };
      },
      log,
    ),
    BatchSearchEpisodic: unary(
      'BatchSearchEpisodic',
      async (
        request: BatchSearchEpisodicRequest__Output,
        context,
      ): Promise<BatchSearchEpisodicResponse> => {
        if (request.searches.length > limits.maxBatch) {
          throw invalidArgument(
            'searches',
            `has ${request.searches.length} items, at most ${limits.maxBatch} are allowed`,
          );
        }
        const queries = request.searches.map((search, i) =>
          decodeSearchEpisodic(search, limits, `searches[${i}].`),
        );
        const results = await Promise.all(
          queries.map((q) => service.search('episodic', q, context)),
        );
        return { results: results.map(episodicHits) };
      },
      log,
    ),
    RecentEpisodic: unary(
      'RecentEpisodic',
      async (request: RecentEpisodicRequest__Output): Promise<RecentEpisodicResponse> => {
        const orderField = decodeRecentOrder('order', request.order);
        const result = await service.recent('episodic', {
          filter: decodeEpisodicFilter('filter', request.filter),
          orderField,
          limit: decodeLimit('limit', request.limit, limits),
          after: decodePageToken('page_token', request.page_token, orderField),
        });
        return {
          memories: result.records.map(encodeEpisodicMemory),
          next_page_token: encodePageToken(orderField, result.next),
        };
      },
      log,
    ),
  };
}
