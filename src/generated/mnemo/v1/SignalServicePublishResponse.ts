// Original file: proto/mnemo/v1/signal.proto


export interface SignalServicePublishResponse {
  'receivers'?: (number);
  'id'?: (string);
}

export interface SignalServicePublishResponse__Output {
  'receivers': (number);
  'id': (string);
}
