// Original file: proto/mnemo/v1/session.proto

import type { Session as _mnemo_v1_Session, Session__Output as _mnemo_v1_Session__Output } from '../../mnemo/v1/Session.js';

export interface SessionServiceRecordTradeResponse {
  'session'?: (_mnemo_v1_Session | null);
  'over_drawdown'?: (boolean);
  'duplicate'?: (boolean);
}

export interface SessionServiceRecordTradeResponse__Output {
  'session': (_mnemo_v1_Session__Output | null);
  'over_drawdown': (boolean);
  'duplicate': (boolean);
}
