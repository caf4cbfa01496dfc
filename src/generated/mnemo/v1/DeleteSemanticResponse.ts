// Original file: proto/mnemo/v1/memory.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteSemanticResponse {
  'deleted'?: (number | string | Long);
}

export interface DeleteSemanticResponse__Output {
  'deleted': (number);
}
