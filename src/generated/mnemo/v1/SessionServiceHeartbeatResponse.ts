// Original file: proto/mnemo/v1/session.proto

import type { Session as _mnemo_v1_Session, Session__Output as _mnemo_v1_Session__Output } from '../../mnemo/v1/Session.js';

export interface SessionServiceHeartbeatResponse {
  'session'?: (_mnemo_v1_Session | null);
}

export interface SessionServiceHeartbeatResponse__Output {
  'session': (_mnemo_v1_Session__Output | null);
}
