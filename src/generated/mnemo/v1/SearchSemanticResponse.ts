// Original file: proto/mnemo/v1/memory.proto

import type { SemanticHit as _mnemo_v1_SemanticHit, SemanticHit__Output as _mnemo_v1_SemanticHit__Output } from '../../mnemo/v1/SemanticHit.js';
import type { RpcStatus as _mnemo_v1_RpcStatus, RpcStatus__Output as _mnemo_v1_RpcStatus__Output } from '../../mnemo/v1/RpcStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface SearchSemanticResponse {
  'hits'?: (_mnemo_v1_SemanticHit)[];
  'request_id'?: (number | string | Long);
  'error'?: (_mnemo_v1_RpcStatus | null);
}

export interface SearchSemanticResponse__Output {
  'hits': (_mnemo_v1_SemanticHit__Output)[];
  'request_id': (number);
  'error': (_mnemo_v1_RpcStatus__Output | null);
}
