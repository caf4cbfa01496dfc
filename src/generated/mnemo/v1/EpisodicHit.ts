// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicMemory as _mnemo_v1_EpisodicMemory, EpisodicMemory__Output as _mnemo_v1_EpisodicMemory__Output } from '../../mnemo/v1/EpisodicMemory.js';

export interface EpisodicHit {
  'memory'?: (_mnemo_v1_EpisodicMemory | null);
  'distance'?: (number | string);
  'outcome_pending'?: (boolean);
}

export interface EpisodicHit__Output {
  'memory': (_mnemo_v1_EpisodicMemory__Output | null);
  'distance': (number);
  'outcome_pending': (boolean);
}
