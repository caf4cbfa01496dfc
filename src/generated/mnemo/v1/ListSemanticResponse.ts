// Original file: proto/mnemo/v1/memory.proto

import type { SemanticMemory as _mnemo_v1_SemanticMemory, SemanticMemory__Output as _mnemo_v1_SemanticMemory__Output } from '../../mnemo/v1/SemanticMemory.js';

export interface ListSemanticResponse {
  'memories'?: (_mnemo_v1_SemanticMemory)[];
  'next_page_token'?: (string);
}

export interface ListSemanticResponse__Output {
  'memories': (_mnemo_v1_SemanticMemory__Output)[];
  'next_page_token': (string);
}
