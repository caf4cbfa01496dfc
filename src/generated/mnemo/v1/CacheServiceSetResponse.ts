// Original file: proto/mnemo/v1/cache.proto


export interface CacheServiceSetResponse {
  'stored'?: (boolean);
}

export interface CacheServiceSetResponse__Output {
  'stored': (boolean);
}
