// Original file: proto/mnemo/v1/signal.proto

import type { Signal as _mnemo_v1_Signal, Signal__Output as _mnemo_v1_Signal__Output } from '../../mnemo/v1/Signal.js';

export interface SignalServicePublishRequest {
  'channel'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'durable'?: (boolean);
  'signal'?: (_mnemo_v1_Signal | null);
  'content'?: "payload"|"signal";
}

export interface SignalServicePublishRequest__Output {
  'channel': (string);
  'payload'?: (Buffer);
  'durable': (boolean);
  'signal'?: (_mnemo_v1_Signal__Output | null);
  'content'?: "payload"|"signal";
}
