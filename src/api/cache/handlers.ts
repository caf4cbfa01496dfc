import type { CacheServiceHandlers } from '../../generated/mnemo/v1/CacheService.js';
import type { AsyncHandlers } from '../middleware/types.js';
import type { CacheService } from '../../services/cache/CacheService.js';
import {
  type CacheLimits,
  decodeCacheKey,
  decodeCacheKeys,
  decodeCacheValue,
  decodeDelta,
  decodeHashFieldName,
  decodeHashFieldNames,
  decodeHashFields,
  decodeTtlMs,
} from './codec.js';

/**
 * The CacheService RPCs: decode and validate, call the domain service in the namespace of the
 * call's token, encode.
 */
export function cacheHandlers(
  service: CacheService,
  limits: CacheLimits,
): AsyncHandlers<CacheServiceHandlers> {
  return {
    Get: async (request, context) => {
      const result = await service
        .in(context.principal.namespace)
        .get(decodeCacheKey('key', request.key));
      return { found: result.found, value: result.value, ttl_ms: result.ttlMs };
    },
    Set: async (request, context) => ({
      stored: await service
        .in(context.principal.namespace)
        .set(
          decodeCacheKey('key', request.key),
          decodeCacheValue('value', request.value, limits),
          decodeTtlMs('ttl_ms', request.ttl_ms),
          request.only_if_absent,
        ),
    }),
    Delete: async (request, context) => ({
      deleted: await service
        .in(context.principal.namespace)
        .delete(decodeCacheKeys('keys', request.keys, limits)),
    }),
    GetHash: async (request, context) => {
      const result = await service
        .in(context.principal.namespace)
        .getHash(
          decodeCacheKey('key', request.key),
          decodeHashFieldNames('fields', request.fields, limits),
        );
      return { found: result.found, fields: result.fields, ttl_ms: result.ttlMs };
    },
    SetHash: async (request, context) => {
      await service
        .in(context.principal.namespace)
        .setHash(
          decodeCacheKey('key', request.key),
          decodeHashFields('fields', request.fields, limits),
          decodeTtlMs('ttl_ms', request.ttl_ms),
        );
      return {};
    },
    IncrementBy: async (request, context) => ({
      value: await service
        .in(context.principal.namespace)
        .incrementBy(
          decodeCacheKey('key', request.key),
          decodeHashFieldName('field', request.field),
          decodeDelta('delta', request.delta),
          decodeTtlMs('ttl_ms', request.ttl_ms),
        ),
    }),
  };
}
