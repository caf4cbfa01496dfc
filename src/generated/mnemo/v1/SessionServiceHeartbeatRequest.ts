// Original file: proto/mnemo/v1/session.proto


export interface SessionServiceHeartbeatRequest {
  'agent_id'?: (string);
  'interval_ms'?: (number);
}

export interface SessionServiceHeartbeatRequest__Output {
  'agent_id': (string);
  'interval_ms': (number);
}
