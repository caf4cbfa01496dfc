// Original file: proto/mnemo/v1/memory.proto

import type { EpisodicHit as _mnemo_v1_EpisodicHit, EpisodicHit__Output as _mnemo_v1_EpisodicHit__Output } from '../../mnemo/v1/EpisodicHit.js';
import type { RpcStatus as _mnemo_v1_RpcStatus, RpcStatus__Output as _mnemo_v1_RpcStatus__Output } from '../../mnemo/v1/RpcStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface SearchEpisodicResponse {
  'hits'?: (_mnemo_v1_EpisodicHit)[];
  'request_id'?: (number | string | Long);
  'error'?: (_mnemo_v1_RpcStatus | null);
}

export interface SearchEpisodicResponse__Output {
  'hits': (_mnemo_v1_EpisodicHit__Output)[];
  'request_id': (number);
  'error': (_mnemo_v1_RpcStatus__Output | null);
}
