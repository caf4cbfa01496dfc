// Original file: proto/mnemo/v1/memory.proto

import type { SemanticHit as _mnemo_v1_SemanticHit, SemanticHit__Output as _mnemo_v1_SemanticHit__Output } from '../../mnemo/v1/SemanticHit.js';

export interface SearchSemanticResponse {
  'hits'?: (_mnemo_v1_SemanticHit)[];
}

export interface SearchSemanticResponse__Output {
  'hits': (_mnemo_v1_SemanticHit__Output)[];
}
