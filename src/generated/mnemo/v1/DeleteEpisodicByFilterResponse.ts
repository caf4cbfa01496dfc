// Original file: proto/mnemo/v1/memory.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteEpisodicByFilterResponse {
  'deleted'?: (number | string | Long);
}

export interface DeleteEpisodicByFilterResponse__Output {
  'deleted': (number);
}
