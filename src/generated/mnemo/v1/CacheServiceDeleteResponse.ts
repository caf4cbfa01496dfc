// Original file: proto/mnemo/v1/cache.proto

import type { Long } from '@grpc/proto-loader';

export interface CacheServiceDeleteResponse {
  'deleted'?: (number | string | Long);
}

export interface CacheServiceDeleteResponse__Output {
  'deleted': (number);
}
