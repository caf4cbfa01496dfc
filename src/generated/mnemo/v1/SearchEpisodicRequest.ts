// Original file: proto/mnemo/v1/memory.proto

import type { Vector as _mnemo_v1_Vector, Vector__Output as _mnemo_v1_Vector__Output } from '../../mnemo/v1/Vector.js';
import type { EpisodicFilter as _mnemo_v1_EpisodicFilter, EpisodicFilter__Output as _mnemo_v1_EpisodicFilter__Output } from '../../mnemo/v1/EpisodicFilter.js';
import type { Ranking as _mnemo_v1_Ranking, Ranking__Output as _mnemo_v1_Ranking__Output } from '../../mnemo/v1/Ranking.js';
import type { Long } from '@grpc/proto-loader';

export interface SearchEpisodicRequest {
  'vector'?: (_mnemo_v1_Vector | null);
  'k'?: (number);
  'filter'?: (_mnemo_v1_EpisodicFilter | null);
  'ef_runtime'?: (number);
  'exact'?: (boolean);
  'include_vectors'?: (boolean);
  'ranking'?: (_mnemo_v1_Ranking | null);
  'explain'?: (boolean);
  'as_of'?: (number | string);
  'request_id'?: (number | string | Long);
  'timeout_ms'?: (number);
  '_as_of'?: "as_of";
}

export interface SearchEpisodicRequest__Output {
  'vector': (_mnemo_v1_Vector__Output | null);
  'k': (number);
  'filter': (_mnemo_v1_EpisodicFilter__Output | null);
  'ef_runtime': (number);
  'exact': (boolean);
  'include_vectors': (boolean);
  'ranking': (_mnemo_v1_Ranking__Output | null);
  'explain': (boolean);
  'as_of'?: (number);
  'request_id': (number);
  'timeout_ms': (number);
  '_as_of'?: "as_of";
}
