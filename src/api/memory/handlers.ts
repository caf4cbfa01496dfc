import type { MemoryServiceHandlers } from '../../generated/mnemo/v1/MemoryService.js';
import type { AsyncHandlers } from '../middleware/types.js';
import { invalidArgument } from '../../model/errors.js';
import { isEmptyFilter, type MemoryFilter } from '../../model/MemoryFilter.js';
import { mayActFor, type Principal } from '../../model/Principal.js';
import type {
  MemoryService,
  SearchHit,
  SearchRequest,
} from '../../services/memory/MemoryService.js';
import { confineAgents, requireAgent, writeOwners } from '../auth/scope.js';
import type { SearchEpisodicRequest__Output } from '../../generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse } from '../../generated/mnemo/v1/SearchEpisodicResponse.js';
import type { SearchSemanticRequest__Output } from '../../generated/mnemo/v1/SearchSemanticRequest.js';
import type { SearchSemanticResponse } from '../../generated/mnemo/v1/SearchSemanticResponse.js';
import type { CallContext } from '../middleware/types.js';
import {
  type CodecLimits,
  decodeAsOf,
  decodeEpisodicFilter,
  decodeEpisodicMemories,
  decodeIds,
  decodeLimit,
  decodeRecentCursor,
  decodeRequestId,
  decodeRecentOrder,
  decodeSemanticFilter,
  decodeSemanticOrder,
  decodeSearchEpisodic,
  decodeSearchSemantic,
  decodeSemanticMemories,
  answeredEpisodicMemory,
  encodeEpisodicMemory,
  encodeRecentCursor,
  encodeSemanticMemory,
} from './codec.js';
import { decodePageToken, encodePageToken } from '../pageToken.js';
import { answerSize, budgetAnswer } from './answerBudget.js';
import { encodeInfo, type InfoSettings } from './info.js';
import { encodeScore } from './rankingCodec.js';

function episodicHits(hits: SearchHit[], requestId = 0): SearchEpisodicResponse {
  return {
    hits: hits.map((h) => ({
      memory: answeredEpisodicMemory(h.record),
      distance: h.distance,
      outcome_pending: h.outcomePending === true,
      ...(h.score === undefined ? {} : encodeScore(h)),
    })),
    request_id: requestId,
  };
}

function semanticHits(hits: SearchHit[], requestId = 0): SearchSemanticResponse {
  return {
    hits: hits.map((h) => ({
      memory: encodeSemanticMemory(h.record),
      distance: h.distance,
      ...(h.score === undefined ? {} : encodeScore(h)),
    })),
    request_id: requestId,
  };
}

/** An episodic filter confined to the agents of the call's token (auth/scope.ts). */
function confineFilter(principal: Principal, filter: MemoryFilter, field: string): MemoryFilter {
  const agents = confineAgents(principal, filter.tags.agent_id, field);
  return agents === filter.tags.agent_id || agents === undefined
    ? filter
    : { ...filter, tags: { ...filter.tags, agent_id: agents } };
}

function confineSearch(principal: Principal, query: SearchRequest, prefix: string): SearchRequest {
  const filter = confineFilter(principal, query.filter, `${prefix}filter.agent_ids`);
  return filter === query.filter ? query : { ...query, filter };
}

/**
 * The MemoryService RPCs: decode and validate, confine episodic memories to the agents of the
 * call's token (writes of their memories only; reads and filters within them; another agent's
 * memory is as if it did not exist), call the domain service, encode. Semantic memories are
 * read by every token and written by admin tokens (auth/access.ts). The search streams answer
 * each message as the unary search would (same decoding, scope, pipeline), echoing its
 * request_id; a message that fails gets its own error, the unary call's status.
 */
export function memoryHandlers(
  service: MemoryService,
  limits: CodecLimits & InfoSettings,
): AsyncHandlers<MemoryServiceHandlers> {
  const searchEpisodic = async (
    request: SearchEpisodicRequest__Output,
    context: CallContext,
    requestId?: number,
  ): Promise<SearchEpisodicResponse> => {
    const query = confineSearch(context.principal, decodeSearchEpisodic(request, limits), '');
    budgetAnswer('k', answerSize(query.k, limits.vectorDim, query.includeVectors));
    return episodicHits(await service.search('episodic', query, context), requestId);
  };
  const searchSemantic = async (
    request: SearchSemanticRequest__Output,
    context: CallContext,
    requestId?: number,
  ): Promise<SearchSemanticResponse> => {
    const query = decodeSearchSemantic(request, limits);
    budgetAnswer('k', answerSize(query.k, limits.vectorDim, query.includeVectors));
    return semanticHits(await service.search('semantic', query, context), requestId);
  };
  return {
    UpsertEpisodic: async (request, { principal }) => {
      const memories = decodeEpisodicMemories(request.memories, limits);
      memories.forEach((memory, i) => {
        requireAgent(principal, memory.tags.agent_id ?? '', `memories[${i}].agent_id`);
      });
      const retry = decodeRequestId('request_id', request.request_id, principal);
      return { ids: await service.upsert('episodic', memories, writeOwners(principal), retry) };
    },
    UpsertSemantic: async (request, { principal }) => {
      const memories = decodeSemanticMemories(request.memories, limits);
      const retry = decodeRequestId('request_id', request.request_id, principal);
      return { ids: await service.upsert('semantic', memories, null, retry) };
    },
    GetEpisodic: async (request, { principal }) => {
      const ids = decodeIds('ids', request.ids, limits);
      budgetAnswer('ids', answerSize(ids.length, limits.vectorDim, request.include_vectors));
      const records = await service.get('episodic', ids, request.include_vectors);
      // Another agent's memory is answered as if it did not exist.
      const visible = records.filter((r) => mayActFor(principal, r.tags.agent_id ?? ''));
      return { memories: visible.map(encodeEpisodicMemory) };
    },
    GetSemantic: async (request) => {
      const ids = decodeIds('ids', request.ids, limits);
      budgetAnswer('ids', answerSize(ids.length, limits.vectorDim, request.include_vectors));
      const records = await service.get('semantic', ids, request.include_vectors);
      return { memories: records.map(encodeSemanticMemory) };
    },
    DeleteEpisodic: async (request, { principal }) => ({
      deleted: await service.delete(
        'episodic',
        decodeIds('ids', request.ids, limits),
        writeOwners(principal),
      ),
    }),
    DeleteSemantic: async (request) => ({
      deleted: await service.delete('semantic', decodeIds('ids', request.ids, limits)),
    }),
    DeleteEpisodicByFilter: async (request, { principal }) => {
      const filter = decodeEpisodicFilter('filter', request.filter, limits);
      if (isEmptyFilter(filter) && !request.allow_match_all) {
        throw invalidArgument(
          'filter',
          'must constrain at least one field (it would delete everything; or set allow_match_all)',
        );
      }
      const confined = confineFilter(principal, filter, 'filter.agent_ids');
      return {
        deleted: await service.deleteByFilter('episodic', confined, writeOwners(principal), {
          allowMatchAll: request.allow_match_all,
          dryRun: request.dry_run,
        }),
      };
    },
    SearchEpisodic: (request, context) => searchEpisodic(request, context),
    SearchSemantic: (request, context) => searchSemantic(request, context),
    SearchEpisodicStream: {
      answer: (request, context) => searchEpisodic(request, context, request.request_id),
      failed: (request, error) => ({ hits: [], request_id: request.request_id, error }),
      timeoutMs: (request) => request.timeout_ms,
    },
    SearchSemanticStream: {
      answer: (request, context) => searchSemantic(request, context, request.request_id),
      failed: (request, error) => ({ hits: [], request_id: request.request_id, error }),
      timeoutMs: (request) => request.timeout_ms,
    },
    BatchSearchEpisodic: async (request, context) => {
      if (request.searches.length > limits.maxBatch) {
        throw invalidArgument(
          'searches',
          `has ${request.searches.length} items, at most ${limits.maxBatch} are allowed`,
        );
      }
      const nowS = Date.now() / 1000;
      const queries = request.searches.map((search, i) =>
        confineSearch(
          context.principal,
          decodeSearchEpisodic(search, limits, `searches[${i}].`, nowS),
          `searches[${i}].`,
        ),
      );
      const sizes = queries.map((q) => answerSize(q.k, limits.vectorDim, q.includeVectors));
      budgetAnswer('searches', {
        memories: sizes.reduce((sum, s) => sum + s.memories, 0),
        bytes: sizes.reduce((sum, s) => sum + s.bytes, 0),
      });
      const results = await Promise.all(queries.map((q) => service.search('episodic', q, context)));
      return { results: results.map((hits) => episodicHits(hits)) };
    },
    RecentEpisodic: async (request, { principal }) => {
      const orderField = decodeRecentOrder('order', request.order);
      const decoded = decodeEpisodicFilter('filter', request.filter, limits);
      const filter = confineFilter(principal, decoded, 'filter.agent_ids');
      const asOf = decodeAsOf('as_of', request.as_of, limits);
      // What defines the query a page token belongs to (pageToken.ts).
      const query = { filter, orderField, asOf };
      const result = await service.recent('episodic', {
        filter,
        orderField,
        asOf,
        limit:
          request.page_size !== 0
            ? decodeLimit('page_size', request.page_size, limits)
            : decodeLimit('limit', request.limit, limits),
        after: decodeRecentCursor(
          'page_token',
          decodePageToken('page_token', request.page_token, query),
        ),
      });
      return {
        memories: result.records.map(encodeEpisodicMemory),
        next_page_token: encodePageToken(query, encodeRecentCursor(result.next)),
        outcome_pending_ids: result.pendingIds,
      };
    },
    ListSemantic: async (request) => {
      const orderField = decodeSemanticOrder('order', request.order);
      const filter = decodeSemanticFilter('filter', request.filter, limits);
      const limit = decodeLimit('page_size', request.page_size, limits);
      budgetAnswer('page_size', answerSize(limit, limits.vectorDim, request.include_vectors));
      // What defines the query a page token belongs to (pageToken.ts).
      const query = { filter, orderField };
      const result = await service.recent('semantic', {
        filter,
        orderField,
        limit,
        after: decodeRecentCursor(
          'page_token',
          decodePageToken('page_token', request.page_token, query),
        ),
        includeVectors: request.include_vectors,
      });
      return {
        memories: result.records.map(encodeSemanticMemory),
        next_page_token: encodePageToken(query, encodeRecentCursor(result.next)),
      };
    },
    GetInfo: () => Promise.resolve(encodeInfo(service.info(), limits)),
  };
}
