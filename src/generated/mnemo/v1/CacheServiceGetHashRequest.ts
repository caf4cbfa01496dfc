// Original file: proto/mnemo/v1/cache.proto


export interface CacheServiceGetHashRequest {
  'key'?: (string);
  'fields'?: (string)[];
}

export interface CacheServiceGetHashRequest__Output {
  'key': (string);
  'fields': (string)[];
}
