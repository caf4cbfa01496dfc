// Original file: proto/mnemo/v1/session.proto


export interface SessionServiceStartSessionRequest {
  'agent_id'?: (string);
  'start_capital'?: (number | string);
  'max_drawdown'?: (number | string);
  'ttl_ms'?: (number);
}

export interface SessionServiceStartSessionRequest__Output {
  'agent_id': (string);
  'start_capital': (number);
  'max_drawdown': (number);
  'ttl_ms': (number);
}
