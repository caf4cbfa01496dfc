// Original file: proto/mnemo/v1/memory.proto

import type { SearchEpisodicRequest as _mnemo_v1_SearchEpisodicRequest, SearchEpisodicRequest__Output as _mnemo_v1_SearchEpisodicRequest__Output } from '../../mnemo/v1/SearchEpisodicRequest.js';

export interface BatchSearchEpisodicRequest {
  'searches'?: (_mnemo_v1_SearchEpisodicRequest)[];
}

export interface BatchSearchEpisodicRequest__Output {
  'searches': (_mnemo_v1_SearchEpisodicRequest__Output)[];
}
