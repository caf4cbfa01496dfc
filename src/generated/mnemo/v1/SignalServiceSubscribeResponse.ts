// Original file: proto/mnemo/v1/signal.proto

import type { Signal as _mnemo_v1_Signal, Signal__Output as _mnemo_v1_Signal__Output } from '../../mnemo/v1/Signal.js';
import type { Long } from '@grpc/proto-loader';

export interface SignalServiceSubscribeResponse {
  'channel'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'id'?: (string);
  'ts'?: (number | string | Long);
  'signal'?: (_mnemo_v1_Signal | null);
}

export interface SignalServiceSubscribeResponse__Output {
  'channel': (string);
  'payload': (Buffer);
  'id': (string);
  'ts': (number);
  'signal': (_mnemo_v1_Signal__Output | null);
}
