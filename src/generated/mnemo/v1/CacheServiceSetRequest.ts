// Original file: proto/mnemo/v1/cache.proto

import type { Long } from '@grpc/proto-loader';

export interface CacheServiceSetRequest {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
  'ttl_ms'?: (number | string | Long);
  'only_if_absent'?: (boolean);
}

export interface CacheServiceSetRequest__Output {
  'key': (string);
  'value': (Buffer);
  'ttl_ms': (number);
  'only_if_absent': (boolean);
}
