// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicMemory as _mnemo_v1_EpisodicMemory, EpisodicMemory__Output as _mnemo_v1_EpisodicMemory__Output } from '../../mnemo/v1/EpisodicMemory.js';

export interface UpsertEpisodicRequest {
  'memories'?: (_mnemo_v1_EpisodicMemory)[];
  'request_id'?: (string);
}

export interface UpsertEpisodicRequest__Output {
  'memories': (_mnemo_v1_EpisodicMemory__Output)[];
  'request_id': (string);
}
