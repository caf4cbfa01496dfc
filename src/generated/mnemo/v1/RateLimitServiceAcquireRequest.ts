// Original file: proto/mnemo/v1/rate_limit.proto


export interface RateLimitServiceAcquireRequest {
  'bucket'?: (string);
  'capacity'?: (number | string);
  'refill_per_second'?: (number | string);
  'tokens'?: (number | string);
}

export interface RateLimitServiceAcquireRequest__Output {
  'bucket': (string);
  'capacity': (number);
  'refill_per_second': (number);
  'tokens': (number);
}
