// Original file: proto/mnemo/v1/cache.proto


export interface CacheServiceDeleteRequest {
  'keys'?: (string)[];
}

export interface CacheServiceDeleteRequest__Output {
  'keys': (string)[];
}
