// Original file: proto/mnemo/v1/memory.proto

import type { NumericRange as _mnemo_v1_NumericRange, NumericRange__Output as _mnemo_v1_NumericRange__Output } from '../../mnemo/v1/NumericRange.js';

export interface EpisodicFilter {
  'agent_ids'?: (string)[];
  'product_ids'?: (string)[];
  'regimes'?: (string)[];
  'reward'?: (_mnemo_v1_NumericRange | null);
  'timestamp'?: (_mnemo_v1_NumericRange | null);
  'terminal'?: (boolean);
  '_terminal'?: "terminal";
}

export interface EpisodicFilter__Output {
  'agent_ids': (string)[];
  'product_ids': (string)[];
  'regimes': (string)[];
  'reward': (_mnemo_v1_NumericRange__Output | null);
  'timestamp': (_mnemo_v1_NumericRange__Output | null);
  'terminal'?: (boolean);
  '_terminal'?: "terminal";
}
