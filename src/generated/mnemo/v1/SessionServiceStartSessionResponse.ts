// Original file: proto/mnemo/v1/session.proto

import type { Session as _mnemo_v1_Session, Session__Output as _mnemo_v1_Session__Output } from '../../mnemo/v1/Session.js';

export interface SessionServiceStartSessionResponse {
  'session'?: (_mnemo_v1_Session | null);
  'created'?: (boolean);
}

export interface SessionServiceStartSessionResponse__Output {
  'session': (_mnemo_v1_Session__Output | null);
  'created': (boolean);
}
