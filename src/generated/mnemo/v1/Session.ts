// Original file: proto/mnemo/v1/session.proto

import type { SessionStatus as _mnemo_v1_SessionStatus, SessionStatus__Output as _mnemo_v1_SessionStatus__Output } from '../../mnemo/v1/SessionStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface Session {
  'agent_id'?: (string);
  'start_capital'?: (number | string);
  'current_capital'?: (number | string);
  'total_pnl'?: (number | string);
  'trades'?: (number | string | Long);
  'max_drawdown'?: (number | string);
  'status'?: (_mnemo_v1_SessionStatus);
  'started_at'?: (number | string);
  'last_heartbeat'?: (number | string);
  'ttl_ms'?: (number);
}

export interface Session__Output {
  'agent_id': (string);
  'start_capital': (number);
  'current_capital': (number);
  'total_pnl': (number);
  'trades': (number);
  'max_drawdown': (number);
  'status': (_mnemo_v1_SessionStatus__Output);
  'started_at': (number);
  'last_heartbeat': (number);
  'ttl_ms': (number);
}
