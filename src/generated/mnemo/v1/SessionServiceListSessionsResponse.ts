// Original file: proto/mnemo/v1/session.proto

import type { Session as _mnemo_v1_Session, Session__Output as _mnemo_v1_Session__Output } from '../../mnemo/v1/Session.js';

export interface SessionServiceListSessionsResponse {
  'sessions'?: (_mnemo_v1_Session)[];
  'next_page_token'?: (string);
}

export interface SessionServiceListSessionsResponse__Output {
  'sessions': (_mnemo_v1_Session__Output)[];
  'next_page_token': (string);
}
