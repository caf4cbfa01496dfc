// Original file: proto/mnemo/v1/memory.proto


export interface DeleteSemanticRequest {
  'ids'?: (string)[];
}

export interface DeleteSemanticRequest__Output {
  'ids': (string)[];
}
