// Original file: proto/mnemo/v1/memory.proto

import type { SemanticMemory as _mnemo_v1_SemanticMemory, SemanticMemory__Output as _mnemo_v1_SemanticMemory__Output } from '../../mnemo/v1/SemanticMemory.js';

export interface SemanticHit {
  'memory'?: (_mnemo_v1_SemanticMemory | null);
  'distance'?: (number | string);
}

export interface SemanticHit__Output {
  'memory': (_mnemo_v1_SemanticMemory__Output | null);
  'distance': (number);
}
