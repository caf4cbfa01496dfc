// Original file: proto/mnemo/v1/cache.proto

import type { Long } from '@grpc/proto-loader';

export interface CacheServiceIncrementByRequest {
  'key'?: (string);
  'field'?: (string);
  'delta'?: (number | string);
  'ttl_ms'?: (number | string | Long);
}

export interface CacheServiceIncrementByRequest__Output {
  'key': (string);
  'field': (string);
  'delta': (number);
  'ttl_ms': (number);
}
