// Original file: proto/mnemo/v1/cache.proto


export interface CacheServiceIncrementByResponse {
  'value'?: (number | string);
}

export interface CacheServiceIncrementByResponse__Output {
  'value': (number);
}
