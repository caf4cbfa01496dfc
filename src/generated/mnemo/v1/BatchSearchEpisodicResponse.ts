// Original file: proto/mnemo/v1/memory.proto

import type { SearchEpisodicResponse as _mnemo_v1_SearchEpisodicResponse, SearchEpisodicResponse__Output as _mnemo_v1_SearchEpisodicResponse__Output } from '../../mnemo/v1/SearchEpisodicResponse.js';

export interface BatchSearchEpisodicResponse {
  'results'?: (_mnemo_v1_SearchEpisodicResponse)[];
}

export interface BatchSearchEpisodicResponse__Output {
  'results': (_mnemo_v1_SearchEpisodicResponse__Output)[];
}
