// Original file: proto/mnemo/v1/rate_limit.proto

import type { Long } from '@grpc/proto-loader';

export interface RateLimitServiceAcquireResponse {
  'allowed'?: (boolean);
  'remaining'?: (number | string);
  'retry_after_ms'?: (number | string | Long);
}

export interface RateLimitServiceAcquireResponse__Output {
  'allowed': (boolean);
  'remaining': (number);
  'retry_after_ms': (number);
}
