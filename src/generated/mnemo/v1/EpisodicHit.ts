// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicMemory as _mnemo_v1_EpisodicMemory, EpisodicMemory__Output as _mnemo_v1_EpisodicMemory__Output } from '../../mnemo/v1/EpisodicMemory.js';
import type { ScoreTerm as _mnemo_v1_ScoreTerm, ScoreTerm__Output as _mnemo_v1_ScoreTerm__Output } from '../../mnemo/v1/ScoreTerm.js';

export interface EpisodicHit {
  'memory'?: (_mnemo_v1_EpisodicMemory | null);
  'distance'?: (number | string);
  'score'?: (number | string);
  'explanation'?: (_mnemo_v1_ScoreTerm)[];
  'outcome_pending'?: (boolean);
}

export interface EpisodicHit__Output {
  'memory': (_mnemo_v1_EpisodicMemory__Output | null);
  'distance': (number);
  'score': (number);
  'explanation': (_mnemo_v1_ScoreTerm__Output)[];
  'outcome_pending': (boolean);
}
