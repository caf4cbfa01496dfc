// Original file: proto/mnemo/v1/memory.proto


export interface GetSemanticRequest {
  'ids'?: (string)[];
  'include_vectors'?: (boolean);
}

export interface GetSemanticRequest__Output {
  'ids': (string)[];
  'include_vectors': (boolean);
}
