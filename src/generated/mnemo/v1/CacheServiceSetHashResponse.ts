// Original file: proto/mnemo/v1/cache.proto


export interface CacheServiceSetHashResponse {
}

export interface CacheServiceSetHashResponse__Output {
}
