// Original file: proto/mnemo/v1/cache.proto


export interface CacheServiceGetRequest {
  'key'?: (string);
}

export interface CacheServiceGetRequest__Output {
  'key': (string);
}
