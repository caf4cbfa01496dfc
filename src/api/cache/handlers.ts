import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { CacheService } from '../../services/cache/CacheService.js';
import type { CacheServiceDeleteRequest__Output } from '../../generated/mnemo/v1/CacheServiceDeleteRequest.js';
import type { CacheServiceDeleteResponse } from '../../generated/mnemo/v1/CacheServiceDeleteResponse.js';
import type { CacheServiceGetHashRequest__Output } from '../../generated/mnemo/v1/CacheServiceGetHashRequest.js';
import type { CacheServiceGetHashResponse } from '../../generated/mnemo/v1/CacheServiceGetHashResponse.js';
import type { CacheServiceGetRequest__Output } from '../../generated/mnemo/v1/CacheServiceGetRequest.js';
import type { CacheServiceGetResponse } from '../../generated/mnemo/v1/CacheServiceGetResponse.js';
import type { CacheServiceIncrementByRequest__Output } from '../../generated/mnemo/v1/CacheServiceIncrementByRequest.js';
import type { CacheServiceIncrementByResponse } from '../../generated/mnemo/v1/CacheServiceIncrementByResponse.js';
import type { CacheServiceSetHashRequest__Output } from '../../generated/mnemo/v1/CacheServiceSetHashRequest.js';
import type { CacheServiceSetHashResponse } from '../../generated/mnemo/v1/CacheServiceSetHashResponse.js';
import type { CacheServiceSetRequest__Output } from '../../generated/mnemo/v1/CacheServiceSetRequest.js';
import type { CacheServiceSetResponse } from '../../generated/mnemo/v1/CacheServiceSetResponse.js';
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
import { unary } from '../middleware/adapter.js';

/** The CacheService RPCs: decode and validate, call the domain service, encode. */
export function cacheHandlers(
  service: CacheService,
  limits: CacheLimits,
  log: Logger,
): UntypedServiceImplementation {
  return {
    Get: unary(
      'CacheService.Get',
      async (request: CacheServiceGetRequest__Output): Promise<CacheServiceGetResponse> => {
        const result = await service.get(decodeCacheKey('key', request.key));
        return { found: result.found, value: result.value, ttl_ms: result.ttlMs };
      },
      log,
    ),
    Set: unary(
      'CacheService.Set',
      async (request: CacheServiceSetRequest__Output): Promise<CacheServiceSetResponse> => ({
        stored: await service.set(
          decodeCacheKey('key', request.key),
          decodeCacheValue('value', request.value, limits),
          decodeTtlMs('ttl_ms', request.ttl_ms),
          request.only_if_absent,
        ),
      }),
      log,
    ),
    Delete: unary(
      'CacheService.Delete',
      async (request: CacheServiceDeleteRequest__Output): Promise<CacheServiceDeleteResponse> => ({
        deleted: await service.delete(decodeCacheKeys('keys', request.keys, limits)),
      }),
      log,
    ),
    GetHash: unary(
      'CacheService.GetHash',
      async (request: CacheServiceGetHashRequest__Output): Promise<CacheServiceGetHashResponse> => {
        const result = await service.getHash(
          decodeCacheKey('key', request.key),
          decodeHashFieldNames('fields', request.fields, limits),
        );
        return { found: result.found, fields: result.fields, ttl_ms: result.ttlMs };
      },
      log,
    ),
    SetHash: unary(
      'CacheService.SetHash',
      async (request: CacheServiceSetHashRequest__Output): Promise<CacheServiceSetHashResponse> => {
        await service.setHash(
          decodeCacheKey('key', request.key),
          decodeHashFields('fields', request.fields, limits),
          decodeTtlMs('ttl_ms', request.ttl_ms),
        );
        return {};
      },
      log,
    ),
    IncrementBy: unary(
      'CacheService.IncrementBy',
      async (
        request: CacheServiceIncrementByRequest__Output,
      ): Promise<CacheServiceIncrementByResponse> => ({
        value: await service.incrementBy(
          decodeCacheKey('key', request.key),
          decodeHashFieldName('field', request.field),
          decodeDelta('delta', request.delta),
          decodeTtlMs('ttl_ms', request.ttl_ms),
        ),
      }),
      log,
    ),
  };
}
