// Original file: proto/mnemo/v1/memory.proto


export interface UpsertEpisodicResponse {
  'ids'?: (string)[];
}

export interface UpsertEpisodicResponse__Output {
  'ids': (string)[];
}
