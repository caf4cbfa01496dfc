// Original file: proto/mnemo/v1/session.proto

import type { SessionStatus as _mnemo_v1_SessionStatus, SessionStatus__Output as _mnemo_v1_SessionStatus__Output } from '../../mnemo/v1/SessionStatus.js';

export interface SessionServiceListSessionsRequest {
  'status'?: (_mnemo_v1_SessionStatus);
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface SessionServiceListSessionsRequest__Output {
  'status': (_mnemo_v1_SessionStatus__Output);
  'page_size': (number);
  'page_token': (string);
}
