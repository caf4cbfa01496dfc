// Original file: proto/mnemo/v1/cache.proto

import type { Long } from '@grpc/proto-loader';

export interface CacheServiceSetHashRequest {
  'key'?: (string);
  'fields'?: ({[key: string]: string});
  'ttl_ms'?: (number | string | Long);
}

export interface CacheServiceSetHashRequest__Output {
  'key': (string);
  'fields': ({[key: string]: string});
  'ttl_ms': (number);
}
