// Original file: proto/mnemo/v1/signal.proto

export const SignalSide = {
  SIGNAL_SIDE_UNSPECIFIED: 'SIGNAL_SIDE_UNSPECIFIED',
  SIGNAL_SIDE_LONG: 'SIGNAL_SIDE_LONG',
  SIGNAL_SIDE_SHORT: 'SIGNAL_SIDE_SHORT',
  SIGNAL_SIDE_CLOSE: 'SIGNAL_SIDE_CLOSE',
} as const;

export type SignalSide =
  | 'SIGNAL_SIDE_UNSPECIFIED'
  | 0
  | 'SIGNAL_SIDE_LONG'
  | 1
  | 'SIGNAL_SIDE_SHORT'
  | 2
  | 'SIGNAL_SIDE_CLOSE'
  | 3

export type SignalSide__Output = typeof SignalSide[keyof typeof SignalSide]
