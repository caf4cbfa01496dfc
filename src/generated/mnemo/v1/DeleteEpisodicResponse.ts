// Original file: proto/mnemo/v1/memory.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteEpisodicResponse {
  'deleted'?: (number | string | Long);
}

export interface DeleteEpisodicResponse__Output {
  'deleted': (number);
}
