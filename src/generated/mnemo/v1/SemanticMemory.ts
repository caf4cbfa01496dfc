// Original file: proto/mnemo/v1/memory.proto

import type { Vector as _mnemo_v1_Vector, Vector__Output as _mnemo_v1_Vector__Output } from '../../mnemo/v1/Vector.js';
import type { MemoryType as _mnemo_v1_MemoryType, MemoryType__Output as _mnemo_v1_MemoryType__Output } from '../../mnemo/v1/MemoryType.js';
import type { Long } from '@grpc/proto-loader';

export interface SemanticMemory {
  'id'?: (string);
  'concept_vector'?: (_mnemo_v1_Vector | null);
  'memory_type'?: (_mnemo_v1_MemoryType);
  'regime_name'?: (string);
  'sharpe_ratio'?: (number | string);
  'win_rate'?: (number | string);
  'access_count'?: (number | string | Long);
  'last_accessed'?: (number | string);
  'payload'?: (Buffer | Uint8Array | string);
}

export interface SemanticMemory__Output {
  'id': (string);
  'concept_vector': (_mnemo_v1_Vector__Output | null);
  'memory_type': (_mnemo_v1_MemoryType__Output);
  'regime_name': (string);
  'sharpe_ratio': (number);
  'win_rate': (number);
  'access_count': (number);
  'last_accessed': (number);
  'payload': (Buffer);
}
