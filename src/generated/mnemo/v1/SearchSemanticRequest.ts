// Original file: proto/mnemo/v1/memory.proto

import type { Vector as _mnemo_v1_Vector, Vector__Output as _mnemo_v1_Vector__Output } from '../../mnemo/v1/Vector.js';
import type { SemanticFilter as _mnemo_v1_SemanticFilter, SemanticFilter__Output as _mnemo_v1_SemanticFilter__Output } from '../../mnemo/v1/SemanticFilter.js';
import type { SemanticRanking as _mnemo_v1_SemanticRanking, SemanticRanking__Output as _mnemo_v1_SemanticRanking__Output } from '../../mnemo/v1/SemanticRanking.js';
import type { Long } from '@grpc/proto-loader';

export interface SearchSemanticRequest {
  'vector'?: (_mnemo_v1_Vector | null);
  'k'?: (number);
  'filter'?: (_mnemo_v1_SemanticFilter | null);
  'ef_runtime'?: (number);
  'exact'?: (boolean);
  'include_vectors'?: (boolean);
  'touch'?: (boolean);
  'ranking'?: (_mnemo_v1_SemanticRanking | null);
  'explain'?: (boolean);
  'request_id'?: (number | string | Long);
  'timeout_ms'?: (number);
}

export interface SearchSemanticRequest__Output {
  'vector': (_mnemo_v1_Vector__Output | null);
  'k': (number);
  'filter': (_mnemo_v1_SemanticFilter__Output | null);
  'ef_runtime': (number);
  'exact': (boolean);
  'include_vectors': (boolean);
  'touch': (boolean);
  'ranking': (_mnemo_v1_SemanticRanking__Output | null);
  'explain': (boolean);
  'request_id': (number);
  'timeout_ms': (number);
}
