// Original file: proto/mnemo/v1/memory.proto

import type { Long } from '@grpc/proto-loader';

export interface IndexInfo {
  'memories'?: (number | string | Long);
  'ef_default'?: (number);
  'filtered_ef_scale'?: (number | string);
  'recall_estimate'?: (number | string);
  'hnsw_m'?: (number);
  'hnsw_ef_construction'?: (number);
  'exact_search_max_candidates'?: (number);
}

export interface IndexInfo__Output {
  'memories': (number);
  'ef_default': (number);
  'filtered_ef_scale': (number);
  'recall_estimate': (number);
  'hnsw_m': (number);
  'hnsw_ef_construction': (number);
  'exact_search_max_candidates': (number);
}
