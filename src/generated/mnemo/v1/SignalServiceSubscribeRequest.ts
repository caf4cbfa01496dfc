// Original file: proto/mnemo/v1/signal.proto


export interface SignalServiceSubscribeRequest {
  'channels'?: (string)[];
  'patterns'?: (string)[];
  'resume_from'?: (string);
  'min_confidence'?: (number | string);
}

export interface SignalServiceSubscribeRequest__Output {
  'channels': (string)[];
  'patterns': (string)[];
  'resume_from': (string);
  'min_confidence': (number);
}
