// Original file: proto/mnemo/v1/memory.proto

import type { MemoryType as _mnemo_v1_MemoryType, MemoryType__Output as _mnemo_v1_MemoryType__Output } from '../../mnemo/v1/MemoryType.js';
import type { NumericRange as _mnemo_v1_NumericRange, NumericRange__Output as _mnemo_v1_NumericRange__Output } from '../../mnemo/v1/NumericRange.js';

export interface SemanticFilter {
  'memory_types'?: (_mnemo_v1_MemoryType)[];
  'regime_names'?: (string)[];
  'sharpe_ratio'?: (_mnemo_v1_NumericRange | null);
  'win_rate'?: (_mnemo_v1_NumericRange | null);
  'access_count'?: (_mnemo_v1_NumericRange | null);
  'last_accessed'?: (_mnemo_v1_NumericRange | null);
}

export interface SemanticFilter__Output {
  'memory_types': (_mnemo_v1_MemoryType__Output)[];
  'regime_names': (string)[];
  'sharpe_ratio': (_mnemo_v1_NumericRange__Output | null);
  'win_rate': (_mnemo_v1_NumericRange__Output | null);
  'access_count': (_mnemo_v1_NumericRange__Output | null);
  'last_accessed': (_mnemo_v1_NumericRange__Output | null);
}
