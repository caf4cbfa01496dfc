// Original file: proto/mnemo/v1/memory.proto

import type { Vector as _mnemo_v1_Vector, Vector__Output as _mnemo_v1_Vector__Output } from '../../mnemo/v1/Vector.js';

export interface EpisodicMemory {
  'id'?: (string);
  'agent_id'?: (string);
  'product_id'?: (string);
  'regime'?: (string);
  'state_vector'?: (_mnemo_v1_Vector | null);
  'reward'?: (number | string);
  'timestamp'?: (number | string);
  'terminal'?: (boolean);
  'payload'?: (Buffer | Uint8Array | string);
  'outcome_known_at'?: (number | string);
  '_outcome_known_at'?: "outcome_known_at";
}

export interface EpisodicMemory__Output {
  'id': (string);
  'agent_id': (string);
  'product_id': (string);
  'regime': (string);
  'state_vector': (_mnemo_v1_Vector__Output | null);
  'reward': (number);
  'timestamp': (number);
  'terminal': (boolean);
  'payload': (Buffer);
  'outcome_known_at'?: (number);
  '_outcome_known_at'?: "outcome_known_at";
}
