// Original file: proto/mnemo/v1/memory.proto

import type { SemanticFilter as _mnemo_v1_SemanticFilter, SemanticFilter__Output as _mnemo_v1_SemanticFilter__Output } from '../../mnemo/v1/SemanticFilter.js';
import type { SemanticOrder as _mnemo_v1_SemanticOrder, SemanticOrder__Output as _mnemo_v1_SemanticOrder__Output } from '../../mnemo/v1/SemanticOrder.js';

export interface ListSemanticRequest {
  'filter'?: (_mnemo_v1_SemanticFilter | null);
  'order'?: (_mnemo_v1_SemanticOrder);
  'page_size'?: (number);
  'page_token'?: (string);
  'include_vectors'?: (boolean);
}

export interface ListSemanticRequest__Output {
  'filter': (_mnemo_v1_SemanticFilter__Output | null);
  'order': (_mnemo_v1_SemanticOrder__Output);
  'page_size': (number);
  'page_token': (string);
  'include_vectors': (boolean);
}
