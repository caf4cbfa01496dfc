// Original file: proto/mnemo/v1/signal.proto

import type { SignalSide as _mnemo_v1_SignalSide, SignalSide__Output as _mnemo_v1_SignalSide__Output } from '../../mnemo/v1/SignalSide.js';

export interface Signal {
  'market'?: (string);
  'side'?: (_mnemo_v1_SignalSide);
  'confidence'?: (number | string);
  'source'?: (string);
  'ts'?: (number | string);
}

export interface Signal__Output {
  'market': (string);
  'side': (_mnemo_v1_SignalSide__Output);
  'confidence': (number);
  'source': (string);
  'ts': (number);
}
