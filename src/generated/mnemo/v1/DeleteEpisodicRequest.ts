// Original file: proto/mnemo/v1/memory.proto


export interface DeleteEpisodicRequest {
  'ids'?: (string)[];
}

export interface DeleteEpisodicRequest__Output {
  'ids': (string)[];
}
