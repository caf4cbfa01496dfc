// Original file: proto/mnemo/v1/memory.proto

import type { IndexInfo as _mnemo_v1_IndexInfo, IndexInfo__Output as _mnemo_v1_IndexInfo__Output } from '../../mnemo/v1/IndexInfo.js';

export interface GetInfoResponse {
  'dimension'?: (number);
  'vector_precision'?: (string);
  'distance'?: (string);
  'index_engine'?: (string);
  'version'?: (string);
  'max_k'?: (number);
  'max_batch'?: (number);
  'target_recall'?: (number | string);
  'episodic'?: (_mnemo_v1_IndexInfo | null);
  'semantic'?: (_mnemo_v1_IndexInfo | null);
}

export interface GetInfoResponse__Output {
  'dimension': (number);
  'vector_precision': (string);
  'distance': (string);
  'index_engine': (string);
  'version': (string);
  'max_k': (number);
  'max_batch': (number);
  'target_recall': (number);
  'episodic': (_mnemo_v1_IndexInfo__Output | null);
  'semantic': (_mnemo_v1_IndexInfo__Output | null);
}
