// Original file: proto/mnemo/v1/session.proto

import type { SessionEvent as _mnemo_v1_SessionEvent, SessionEvent__Output as _mnemo_v1_SessionEvent__Output } from '../../mnemo/v1/SessionEvent.js';
import type { Session as _mnemo_v1_Session, Session__Output as _mnemo_v1_Session__Output } from '../../mnemo/v1/Session.js';

export interface SessionServiceWatchSessionsResponse {
  'id'?: (string);
  'event'?: (_mnemo_v1_SessionEvent);
  'session'?: (_mnemo_v1_Session | null);
}

export interface SessionServiceWatchSessionsResponse__Output {
  'id': (string);
  'event': (_mnemo_v1_SessionEvent__Output);
  'session': (_mnemo_v1_Session__Output | null);
}
