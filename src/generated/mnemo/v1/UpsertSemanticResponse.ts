// Original file: proto/mnemo/v1/memory.proto


export interface UpsertSemanticResponse {
  'ids'?: (string)[];
}

export interface UpsertSemanticResponse__Output {
  'ids': (string)[];
}
