// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicHit as _mnemo_v1_EpisodicHit, EpisodicHit__Output as _mnemo_v1_EpisodicHit__Output } from '../../mnemo/v1/EpisodicHit.js';

export interface SearchEpisodicResponse {
  'hits'?: (_mnemo_v1_EpisodicHit)[];
}

export interface SearchEpisodicResponse__Output {
  'hits': (_mnemo_v1_EpisodicHit__Output)[];
}
