// Original file: proto/mnemo/v1/session.proto


export interface SessionServiceEndSessionRequest {
  'agent_id'?: (string);
}

export interface SessionServiceEndSessionRequest__Output {
  'agent_id': (string);
}
