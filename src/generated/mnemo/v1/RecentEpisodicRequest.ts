// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicFilter as _mnemo_v1_EpisodicFilter, EpisodicFilter__Output as _mnemo_v1_EpisodicFilter__Output } from '../../mnemo/v1/EpisodicFilter.js';
import type { RecentOrder as _mnemo_v1_RecentOrder, RecentOrder__Output as _mnemo_v1_RecentOrder__Output } from '../../mnemo/v1/RecentOrder.js';

export interface RecentEpisodicRequest {
  'filter'?: (_mnemo_v1_EpisodicFilter | null);
  'order'?: (_mnemo_v1_RecentOrder);
  'limit'?: (number);
  'page_token'?: (string);
  'page_size'?: (number);
  'as_of'?: (number | string);
  '_as_of'?: "as_of";
}

export interface RecentEpisodicRequest__Output {
  'filter': (_mnemo_v1_EpisodicFilter__Output | null);
  'order': (_mnemo_v1_RecentOrder__Output);
  'limit': (number);
  'page_token': (string);
  'page_size': (number);
  'as_of'?: (number);
  '_as_of'?: "as_of";
}
