// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicMemory as _mnemo_v1_EpisodicMemory, EpisodicMemory__Output as _mnemo_v1_EpisodicMemory__Output } from '../../mnemo/v1/EpisodicMemory.js';

export interface RecentEpisodicResponse {
  'memories'?: (_mnemo_v1_EpisodicMemory)[];
  'next_page_token'?: (string);
  'outcome_pending_ids'?: (string)[];
}

export interface RecentEpisodicResponse__Output {
  'memories': (_mnemo_v1_EpisodicMemory__Output)[];
  'next_page_token': (string);
  'outcome_pending_ids': (string)[];
}
