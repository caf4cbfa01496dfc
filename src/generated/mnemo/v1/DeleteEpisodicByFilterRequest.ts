// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicFilter as _mnemo_v1_EpisodicFilter, EpisodicFilter__Output as _mnemo_v1_EpisodicFilter__Output } from '../../mnemo/v1/EpisodicFilter.js';

export interface DeleteEpisodicByFilterRequest {
  'filter'?: (_mnemo_v1_EpisodicFilter | null);
  'allow_match_all'?: (boolean);
  'dry_run'?: (boolean);
}

export interface DeleteEpisodicByFilterRequest__Output {
  'filter': (_mnemo_v1_EpisodicFilter__Output | null);
  'allow_match_all': (boolean);
  'dry_run': (boolean);
}
