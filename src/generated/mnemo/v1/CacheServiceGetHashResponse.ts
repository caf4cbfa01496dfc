// Original file: proto/mnemo/v1/cache.proto

import type { Long } from '@grpc/proto-loader';

export interface CacheServiceGetHashResponse {
  'found'?: (boolean);
  'fields'?: ({[key: string]: string});
  'ttl_ms'?: (number | string | Long);
}

export interface CacheServiceGetHashResponse__Output {
  'found': (boolean);
  'fields': ({[key: string]: string});
  'ttl_ms': (number);
}
