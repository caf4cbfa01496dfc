// Original file: proto/mnemo/v1/memory.proto

import type { SemanticMemory as _mnemo_v1_SemanticMemory, SemanticMemory__Output as _mnemo_v1_SemanticMemory__Output } from '../../mnemo/v1/SemanticMemory.js';
import type { ScoreTerm as _mnemo_v1_ScoreTerm, ScoreTerm__Output as _mnemo_v1_ScoreTerm__Output } from '../../mnemo/v1/ScoreTerm.js';

export interface SemanticHit {
  'memory'?: (_mnemo_v1_SemanticMemory | null);
  'distance'?: (number | string);
  'score'?: (number | string);
  'explanation'?: (_mnemo_v1_ScoreTerm)[];
}

export interface SemanticHit__Output {
  'memory': (_mnemo_v1_SemanticMemory__Output | null);
  'distance': (number);
  'score': (number);
  'explanation': (_mnemo_v1_ScoreTerm__Output)[];
}
