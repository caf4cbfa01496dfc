// Original file: proto/mnemo/v1/memory.proto

import type { SemanticMemory as _mnemo_v1_SemanticMemory, SemanticMemory__Output as _mnemo_v1_SemanticMemory__Output } from '../../mnemo/v1/SemanticMemory.js';

export interface UpsertSemanticRequest {
  'memories'?: (_mnemo_v1_SemanticMemory)[];
  'request_id'?: (string);
}

export interface UpsertSemanticRequest__Output {
  'memories': (_mnemo_v1_SemanticMemory__Output)[];
  'request_id': (string);
}
