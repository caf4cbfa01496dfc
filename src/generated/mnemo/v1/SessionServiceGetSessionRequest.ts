// Original file: proto/mnemo/v1/session.proto


export interface SessionServiceGetSessionRequest {
  'agent_id'?: (string);
}

export interface SessionServiceGetSessionRequest__Output {
  'agent_id': (string);
}
