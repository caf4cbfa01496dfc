// Original file: proto/mnemo/v1/cache.proto

import type { Long } from '@grpc/proto-loader';

export interface CacheServiceGetResponse {
  'found'?: (boolean);
  'value'?: (Buffer | Uint8Array | string);
  'ttl_ms'?: (number | string | Long);
}

export interface CacheServiceGetResponse__Output {
  'found': (boolean);
  'value': (Buffer);
  'ttl_ms': (number);
}
