// Original file: proto/mnemo/v1/memory.proto


export interface GetInfoRequest {
}

export interface GetInfoRequest__Output {
}
