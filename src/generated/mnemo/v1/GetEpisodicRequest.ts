// Original file: proto/mnemo/v1/memory.proto


export interface GetEpisodicRequest {
  'ids'?: (string)[];
  'include_vectors'?: (boolean);
}

export interface GetEpisodicRequest__Output {
  'ids': (string)[];
  'include_vectors': (boolean);
}
